import { describe, expect, it } from 'vitest';
import { parseRepoPage } from '../../src/shared/githuburl';
import { initialPanelState, type PanelState, planIsStale, planKey, plannedServices, reducePanel } from '../../src/shared/panelstate';
import {
  choiceOptions,
  choicesKey,
  defaultChoices,
  defaultRuntimeKey,
  dependencyClosure,
  enabledServices,
  loadChoices,
  neededBy,
  saveChoices,
  type StorageLike,
} from '../../src/shared/planchoices';
import { type CatalogService, parsePlan } from '../../src/shared/run';

// web → api → db; admin (profile tools) → db; debug (profile debug) → web.
const catalog: CatalogService[] = [
  { name: 'web', profiles: [], dependsOn: ['api'] },
  { name: 'api', profiles: [], dependsOn: ['db'] },
  { name: 'db', profiles: [], dependsOn: [] },
  { name: 'admin', profiles: ['tools'], dependsOn: ['db'] },
  { name: 'debug', profiles: ['debug'], dependsOn: ['web'] },
];

const page = parseRepoPage('https://github.com/acme/profiles-app');
if (!page) throw new Error('fixture page');

// A plan reply as engine/runs/runcontrolhandler.cpp sends it, for the services given.
function planReply(services: string[], report: { service: string; key: string; status: string; reason: string }[] = []) {
  return parsePlan({
    commit: 'c0ffee', ref: 'main', mode: 'compose',
    services: services.map((name, i) => ({ name, image: 'busybox:1.36', primary: i === 0, build: false, dependsOn: catalog.find((c) => c.name === name)?.dependsOn ?? [] })),
    catalog: catalog.map((c) => ({ ...c })),
    profiles: ['debug', 'tools'],
    report,
    refused: report.some((r) => r.status === 'refused'),
  });
}

// The engine's answer to a plan asked with the state's current choices.
function planned(state: PanelState, services: string[]): PanelState {
  const plan = planReply(services);
  if (!plan) throw new Error('bad plan');
  return reducePanel(state, { type: 'planned', plan });
}

class MemoryStorage implements StorageLike {
  readonly data: Record<string, unknown> = {};
  async get(key: string): Promise<Record<string, unknown>> {
    return key in this.data ? { [key]: structuredClone(this.data[key]) } : {};
  }
  async set(items: Record<string, unknown>): Promise<void> {
    Object.assign(this.data, structuredClone(items));
  }
}

describe('dependency closure', () => {
  it('follows depends_on transitively and keeps the compose order', () => {
    expect(dependencyClosure(catalog, ['web'])).toEqual(['web', 'api', 'db']);
    expect(dependencyClosure(catalog, ['admin'])).toEqual(['db', 'admin']);
    expect(dependencyClosure(catalog, ['debug'])).toEqual(['web', 'api', 'db', 'debug']);
    expect(dependencyClosure(catalog, [])).toEqual([]);
  });

  it('survives cycles and names it does not know', () => {
    const cyclic: CatalogService[] = [
      { name: 'a', profiles: [], dependsOn: ['b'] },
      { name: 'b', profiles: [], dependsOn: ['a', 'ghost'] },
    ];
    expect(dependencyClosure(cyclic, ['a'])).toEqual(['a', 'b']);
  });

  it('enables profiled services only with their profile, and says who needs what', () => {
    expect(enabledServices(catalog, []).map((s) => s.name)).toEqual(['web', 'api', 'db']);
    expect(enabledServices(catalog, ['tools']).map((s) => s.name)).toEqual(['web', 'api', 'db', 'admin']);
    expect(neededBy(catalog, ['web', 'admin'], 'db')).toEqual(['web', 'admin']);
    expect(neededBy(catalog, ['admin'], 'api')).toEqual([]);
  });
});

describe('the plan step', () => {
  it('runs every enabled service until the user picks, then only the closure of the picks', () => {
    let s = planned(initialPanelState(page), ['web', 'api', 'db']);
    expect(plannedServices(s)).toEqual(['web', 'api', 'db']);
    expect(planIsStale(s)).toBe(false);

    s = reducePanel(s, { type: 'toggleProfile', profile: 'tools' });
    expect(plannedServices(s)).toEqual(['web', 'api', 'db', 'admin']);
    s = reducePanel(s, { type: 'toggleService', service: 'admin' });
    expect(s.choices.services).toEqual(['admin']);
    // Known at once from the catalog, before the engine answers again…
    expect(plannedServices(s)).toEqual(['db', 'admin']);
    expect(planIsStale(s)).toBe(true);
    // …and Start waits for the plan that matches; a late answer to the old choices does not count.
    const late = planReply(['web', 'api', 'db', 'admin']);
    if (!late) throw new Error('bad plan');
    expect(planIsStale(reducePanel(s, { type: 'planned', plan: late, key: planKey(planned(initialPanelState(page), [])) }))).toBe(true);
    s = planned(s, ['db', 'admin']);
    expect(planIsStale(s)).toBe(false);
    // Changing only the primary needs no new plan; the runtime does (the plan says where it runs).
    s = reducePanel(s, { type: 'choosePrimary', service: 'admin' });
    expect(planIsStale(s)).toBe(false);
    s = reducePanel(s, { type: 'chooseRuntime', runtime: 'docker' });
    expect(planIsStale(s)).toBe(true);
    expect(choiceOptions(s.choices, 'compose')).toEqual({ profiles: ['tools'], services: ['admin'], primary: 'admin' });
  });

  it('drops a primary the picks no longer run, and picks a profile no longer enables', () => {
    let s = planned(initialPanelState(page), ['web', 'api', 'db']);
    s = reducePanel(s, { type: 'choosePrimary', service: 'web' });
    s = reducePanel(s, { type: 'toggleProfile', profile: 'tools' });
    s = reducePanel(s, { type: 'toggleService', service: 'admin' });
    expect(s.choices.primary).toBeNull(); // web does not run with only admin picked
    s = reducePanel(s, { type: 'toggleProfile', profile: 'tools' });
    expect(s.choices.profiles).toEqual([]);
    expect(s.choices.services).toEqual([]);
    expect(plannedServices(s)).toEqual(['web', 'api', 'db']);
  });

  it('switching to Dockerfile mode sends no compose choices and forgets the compose plan', () => {
    let s = planned(initialPanelState(page), ['web', 'api', 'db']);
    s = reducePanel(s, { type: 'toggleProfile', profile: 'tools' });
    s = reducePanel(s, { type: 'chooseMode', mode: 'dockerfile' });
    expect(s.plan).toBeNull();
    expect(choiceOptions(s.choices, 'dockerfile')).toEqual({ mode: 'dockerfile' });
    // The compose choices are kept for when the user switches back.
    s = reducePanel(s, { type: 'chooseMode', mode: 'compose' });
    expect(choiceOptions(s.choices, 'compose')).toEqual({ mode: 'compose', profiles: ['tools'] });
  });

  it('shows the report\'s adapted and refused lines, and refusals block Start', () => {
    const plan = planReply(['web'], [
      { service: 'web', key: 'ports', status: 'adapted', reason: 'host port 80 is below 1024; previewed on 8080' },
      { service: 'web', key: 'privileged', status: 'refused', reason: 'privileged containers can take over the host' },
      { service: 'web', key: 'image', status: 'mapped', reason: '' },
    ]);
    expect(plan?.notes.map((n) => n.status)).toEqual(['adapted', 'refused']);
    expect(plan?.refusals).toEqual(['web privileged: privileged containers can take over the host']);
    expect(plan?.refused).toBe(true);
  });
});

describe('remembered choices', () => {
  it('are stored per repository and come back for the next panel', async () => {
    const storage = new MemoryStorage();
    const picked = { mode: 'compose' as const, profiles: ['tools'], services: ['admin'], primary: 'admin', runtime: 'docker' as const };
    await saveChoices(storage, 'Acme/Profiles-App', picked);
    expect(Object.keys(storage.data)).toEqual([choicesKey('acme/profiles-app')]);
    expect(await loadChoices(storage, 'acme/profiles-app')).toEqual(picked);
    // Another repository starts from the defaults.
    expect(await loadChoices(storage, 'acme/other')).toEqual(defaultChoices);
  });

  it('start from the default runtime the options page set', async () => {
    const storage = new MemoryStorage();
    await storage.set({ [defaultRuntimeKey]: 'kubernetes' });
    expect((await loadChoices(storage, 'acme/new')).runtime).toBe('kubernetes');
    await saveChoices(storage, 'acme/new', { ...defaultChoices, runtime: 'docker' });
    expect((await loadChoices(storage, 'acme/new')).runtime).toBe('docker');
  });

  it('read damaged or hostile entries as defaults, never as a throw', async () => {
    const storage = new MemoryStorage();
    storage.data[choicesKey('acme/x')] = { mode: 'vm', profiles: 'tools', services: [1, '', 'web', 'x'.repeat(500)], primary: 7, runtime: 'ssh' };
    expect(await loadChoices(storage, 'acme/x')).toEqual({ ...defaultChoices, services: ['web'] });
    const broken: StorageLike = { get: () => Promise.reject(new Error('quota')), set: () => Promise.resolve() };
    expect(await loadChoices(broken, 'acme/x')).toEqual(defaultChoices);
  });

  it('restore into the panel before its first plan', () => {
    const restored = { mode: null, profiles: ['tools'], services: ['admin'], primary: null, runtime: 'docker' as const };
    let s = reducePanel(initialPanelState(page), { type: 'restoreChoices', choices: restored });
    s = planned(s, ['db', 'admin']);
    expect(plannedServices(s)).toEqual(['db', 'admin']);
    expect(s.choices.primary).toBe('db');
    expect(s.choices.runtime).toBe('docker');
  });
});
