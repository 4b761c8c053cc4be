// What a user picks before a run (mode, profiles, services, primary, runtime), the services a
// pick really starts (its depends_on closure), and remembering the picks per repository.
import type { StartOptions } from './generated/protocol';
import { startOptionsRuntimeValues } from './generated/protocol';
import type { CatalogService } from './run';

export type Mode = 'compose' | 'dockerfile';
export type RuntimeChoice = (typeof startOptionsRuntimeValues)[number];

export interface PlanChoices {
  mode: Mode | null; // null: the engine's default (compose when both exist)
  profiles: string[];
  services: string[]; // picked by the user; empty = every service the profiles enable
  primary: string | null;
  runtime: RuntimeChoice;
}

export const defaultChoices: PlanChoices = { mode: null, profiles: [], services: [], primary: null, runtime: 'auto' };

// Services the chosen profiles enable: those without profiles, and those with an active one.
export function enabledServices(catalog: readonly CatalogService[], profiles: readonly string[]): CatalogService[] {
  return catalog.filter((s) => s.profiles.length === 0 || s.profiles.some((p) => profiles.includes(p)));
}

// The picked services and everything they depend on, transitively, in catalog order.
export function dependencyClosure(catalog: readonly CatalogService[], picked: readonly string[]): string[] {
  const byName = new Map(catalog.map((s) => [s.name, s]));
  const seen = new Set<string>();
  const stack = [...picked];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) stack.push(dep);
  }
  // A dependency the catalog does not know (`required: false` on a missing service) runs nothing.
  return catalog.map((s) => s.name).filter((n) => seen.has(n));
}

// What will run with these choices: the closure of the picks, or every enabled service.
export function servicesToRun(catalog: readonly CatalogService[], choices: PlanChoices): string[] {
  const enabled = enabledServices(catalog, choices.profiles).map((s) => s.name);
  const picked = choices.services.filter((s) => enabled.includes(s));
  return picked.length > 0 ? dependencyClosure(catalog, picked) : dependencyClosure(catalog, enabled);
}

// Who pulled a service in: for "db (needed by api)" next to a service the user did not pick.
export function neededBy(catalog: readonly CatalogService[], picked: readonly string[], service: string): string[] {
  return picked.filter((p) => p !== service && dependencyClosure(catalog, [p]).includes(service));
}

function toggled(list: readonly string[], item: string): string[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

export function toggleProfile(choices: PlanChoices, catalog: readonly CatalogService[], profile: string): PlanChoices {
  const profiles = toggled(choices.profiles, profile).sort();
  // A pick the profiles no longer enable is dropped rather than silently ignored.
  const enabled = enabledServices(catalog, profiles).map((s) => s.name);
  return { ...choices, profiles, services: choices.services.filter((s) => enabled.includes(s)) };
}

export function toggleService(choices: PlanChoices, service: string): PlanChoices {
  return { ...choices, services: toggled(choices.services, service) };
}

// The plan/start options these choices amount to (compose-only choices only in compose mode).
export function choiceOptions(choices: PlanChoices, mode: Mode | null): Pick<StartOptions, 'mode' | 'profiles' | 'services' | 'primary'> {
  const options: Pick<StartOptions, 'mode' | 'profiles' | 'services' | 'primary'> = {};
  if (choices.mode) options.mode = choices.mode;
  if ((mode ?? choices.mode) !== 'dockerfile') {
    if (choices.profiles.length > 0) options.profiles = [...choices.profiles];
    if (choices.services.length > 0) options.services = [...choices.services];
  }
  if (choices.primary) options.primary = choices.primary;
  return options;
}

// ---- remembered per repository in chrome.storage.local ----

export interface StorageLike {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export function choicesKey(repoKey: string): string {
  return `reporunner.choices.${repoKey.toLowerCase()}`;
}

// The default runtime the options page sets, used until a repository has its own choice.
export const defaultRuntimeKey = 'reporunner.runtime';

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200).slice(0, 100) : [];
}

export function isRuntime(value: unknown): value is RuntimeChoice {
  return (startOptionsRuntimeValues as readonly unknown[]).includes(value);
}

// Stored data is read defensively: an older or damaged entry gives the defaults, never a throw.
export function parseChoices(value: unknown, fallbackRuntime: RuntimeChoice = 'auto'): PlanChoices {
  if (typeof value !== 'object' || value === null) return { ...defaultChoices, runtime: fallbackRuntime };
  const v = value as Record<string, unknown>;
  return {
    mode: v.mode === 'compose' || v.mode === 'dockerfile' ? v.mode : null,
    profiles: stringList(v.profiles),
    services: stringList(v.services),
    primary: typeof v.primary === 'string' && v.primary ? v.primary : null,
    runtime: isRuntime(v.runtime) ? v.runtime : fallbackRuntime,
  };
}

export async function loadChoices(storage: StorageLike, repoKey: string): Promise<PlanChoices> {
  const key = choicesKey(repoKey);
  const stored = await storage.get(key).catch(() => ({}) as Record<string, unknown>);
  const defaults = await storage.get(defaultRuntimeKey).catch(() => ({}) as Record<string, unknown>);
  const runtime = defaults[defaultRuntimeKey];
  return parseChoices(stored[key], isRuntime(runtime) ? runtime : 'auto');
}

export async function saveChoices(storage: StorageLike, repoKey: string, choices: PlanChoices): Promise<void> {
  await storage.set({ [choicesKey(repoKey)]: { ...choices } });
}
