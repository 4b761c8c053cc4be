// The engine's run records (engine/runs/runjson.cpp), decoded defensively.
import { type ServiceState, serviceStateValues } from './generated/protocol';
import { type Json, type JsonObject, isObject, num, obj, objects, str, strings } from './json';

export const runStates = [
  'QUEUED', 'FETCHING', 'BUILDING', 'LOADING', 'DEPLOYING', 'READY', 'STOPPING', 'STOPPED', 'FAILED',
] as const;
export type RunState = (typeof runStates)[number];

// The phases a successful run goes through, in order (what the panel's timeline shows).
export const pipelinePhases: readonly RunState[] = ['QUEUED', 'FETCHING', 'BUILDING', 'LOADING', 'DEPLOYING', 'READY'];

export function isTerminal(state: RunState): boolean {
  return state === 'STOPPED' || state === 'FAILED';
}

export interface PhaseInfo {
  phase: RunState;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  progress: number; // 0..1 when the phase knows
}

export interface Endpoint {
  service: string;
  containerPort: number;
  localPort: number;
  protocol: string;
  url: string;
  primary: boolean;
}

export interface ServiceStatus {
  service: string;
  state: ServiceState; // protocol.json's enums.ServiceState
  restarts: number;
  detail: string;
}

export interface Diagnosis {
  phase: string;
  code: string;
  summary: string;
  service: string;
  lastLines: string[];
}

export interface RunInfo {
  id: string;
  source: string;
  owner: string;
  repo: string;
  ref: string;
  commit: string;
  mode: string;
  runtime: string;
  state: RunState;
  createdAt: string;
  updatedAt: string;
  phases: PhaseInfo[];
  endpoints: Endpoint[];
  services: ServiceStatus[];
  previewUrl?: string;
  diagnosis?: Diagnosis;
}

export interface LogLine {
  id: number;
  service: string; // "" for the run itself: phase events and build output
  time: string;
  stream: string;
  text: string;
}

// A service state outside protocol.json's ServiceState is a protocol error: that service is dropped.
export function serviceStateOf(value: string): ServiceState | null {
  return (serviceStateValues as readonly string[]).includes(value) ? (value as ServiceState) : null;
}

function stateOf(value: string): RunState | null {
  return (runStates as readonly string[]).includes(value) ? (value as RunState) : null;
}

export function parseRun(value: Json | undefined): RunInfo | null {
  if (!isObject(value)) return null;
  const id = str(value, 'id');
  const state = stateOf(str(value, 'state'));
  if (!id || !state) return null;
  const phases: PhaseInfo[] = [];
  for (const p of objects(value, 'phases')) {
    const phase = stateOf(str(p, 'phase'));
    if (!phase) continue;
    const info: PhaseInfo = { phase, startedAt: str(p, 'startedAt'), progress: num(p, 'progress') };
    if (typeof p.finishedAt === 'string') info.finishedAt = p.finishedAt;
    if (typeof p.durationMs === 'number') info.durationMs = p.durationMs;
    phases.push(info);
  }
  const run: RunInfo = {
    id,
    source: str(value, 'source'),
    owner: str(value, 'owner'),
    repo: str(value, 'repo'),
    ref: str(value, 'ref'),
    commit: str(value, 'commit'),
    mode: str(value, 'mode'),
    runtime: str(value, 'runtime'),
    state,
    createdAt: str(value, 'createdAt'),
    updatedAt: str(value, 'updatedAt'),
    phases,
    endpoints: objects(value, 'endpoints').map((e) => ({
      service: str(e, 'service'),
      containerPort: num(e, 'containerPort'),
      localPort: num(e, 'localPort'),
      protocol: str(e, 'protocol'),
      url: str(e, 'url'),
      primary: e.primary === true,
    })),
    services: objects(value, 'services').flatMap((s) => {
      const state = serviceStateOf(str(s, 'state'));
      return state ? [{ service: str(s, 'service'), state, restarts: num(s, 'restarts'), detail: str(s, 'detail') }] : [];
    }),
  };
  const preview = str(value, 'previewUrl');
  if (preview) run.previewUrl = preview;
  const d = obj(value, 'diagnosis');
  if (d)
    run.diagnosis = {
      phase: str(d, 'phase'),
      code: str(d, 'code'),
      summary: str(d, 'summary'),
      service: str(d, 'service'),
      lastLines: strings(d, 'lastLines'),
    };
  return run;
}

export function parseRuns(value: Json | undefined): RunInfo[] {
  const list = isObject(value) ? value.runs : value;
  if (!Array.isArray(list)) return [];
  return list.map((r) => parseRun(r)).filter((r): r is RunInfo => r !== null);
}

export function parseLogLines(value: Json | undefined): LogLine[] {
  if (!Array.isArray(value)) return [];
  const out: LogLine[] = [];
  for (const l of value) {
    if (!isObject(l)) continue;
    out.push({
      id: num(l, 'id'),
      service: str(l, 'service'),
      time: str(l, 'time'),
      stream: str(l, 'stream'),
      text: str(l, 'text'),
    });
  }
  return out;
}

// What `detect` answers (engine/runs/runcontrolhandler.cpp detectionJson).
export interface Detection {
  compose: boolean;
  dockerfile: boolean;
  services: string[];
  composeFiles: string[];
  dockerfiles: string[];
  defaultMode: 'compose' | 'dockerfile';
  commit: string;
}

export function parseDetection(value: Json | undefined): Detection | null {
  if (!isObject(value)) return null;
  return {
    compose: value.compose === true,
    dockerfile: value.dockerfile === true,
    services: strings(value, 'services'),
    composeFiles: strings(value, 'composeFiles'),
    dockerfiles: objects(value, 'dockerfiles').map((d) => str(d, 'dockerfile')),
    defaultMode: str(value, 'defaultMode') === 'dockerfile' ? 'dockerfile' : 'compose',
    commit: str(value, 'commit'),
  };
}

// "compose found (3 services)", "Dockerfile found", "compose (2 services) and Dockerfile found".
export function describeDetection(d: Detection): string {
  const n = d.services.length;
  const compose = `compose found (${n} service${n === 1 ? '' : 's'})`;
  if (d.compose && d.dockerfile) return `${compose} · Dockerfile found`;
  if (d.compose) return compose;
  if (d.dockerfile) return 'Dockerfile found';
  return 'no Dockerfile or compose file';
}

export function isRunnable(d: Detection): boolean {
  return d.compose || d.dockerfile;
}

// One line of the translation report: how a compose key was carried over, or why not.
export interface ReportLine {
  service: string;
  key: string;
  status: 'adapted' | 'refused' | 'dropped';
  reason: string;
}

// A compose service as the plan step offers it: every profile's, with what it needs.
export interface CatalogService {
  name: string;
  profiles: string[];
  dependsOn: string[];
}

// What `plan` answers, reduced to what the panel shows before Start.
export interface PlanSummary {
  commit: string;
  ref: string;
  mode: 'compose' | 'dockerfile';
  services: { name: string; primary: boolean; build: boolean; image: string; dependsOn: string[] }[];
  // Every service of every profile (compose mode); empty from an app that does not say.
  catalog: CatalogService[];
  profiles: string[];
  refused: boolean;
  refusals: string[];
  // The report's lines worth a user's attention: adapted, dropped and refused keys.
  notes: ReportLine[];
  // Where the run would go if started now; null from an app that does not say.
  runsOn: RunsOn | null;
}

// The runtime a plan resolved: its name ("" when none is available), where, and why.
export interface RunsOn {
  runtime: string;
  target: string;
  reason: string;
}

export function describeRunsOn(r: RunsOn): string {
  if (!r.runtime) return `No runtime can take this run: ${r.reason}`;
  const name = r.runtime === 'kubernetes' ? 'Kubernetes' : r.runtime === 'docker' ? 'Docker' : r.runtime;
  return [`Runs on ${name}`, r.target, r.reason].filter(Boolean).join(' · ');
}

function reportLine(entry: JsonObject): ReportLine | null {
  const status = str(entry, 'status');
  if (status !== 'adapted' && status !== 'refused' && status !== 'dropped') return null;
  return { service: str(entry, 'service'), key: str(entry, 'key'), status, reason: str(entry, 'reason') };
}

export function describeReportLine(l: ReportLine): string {
  const where = [l.service, l.key].filter(Boolean).join(' ');
  return where ? `${where}: ${l.reason}` : l.reason;
}

export function parsePlan(value: Json | undefined): PlanSummary | null {
  if (!isObject(value)) return null;
  // The translation report: [{service, key, status: mapped|adapted|dropped|refused, reason}].
  const notes = objects(value, 'report')
    .map(reportLine)
    .filter((l): l is ReportLine => l !== null);
  return {
    commit: str(value, 'commit'),
    ref: str(value, 'ref'),
    mode: str(value, 'mode') === 'dockerfile' ? 'dockerfile' : 'compose',
    services: objects(value, 'services').map((s) => ({
      name: str(s, 'name'),
      primary: s.primary === true,
      build: s.build === true,
      image: str(s, 'image'),
      dependsOn: strings(s, 'dependsOn'),
    })),
    catalog: objects(value, 'catalog').map((s) => ({ name: str(s, 'name'), profiles: strings(s, 'profiles'), dependsOn: strings(s, 'dependsOn') })),
    profiles: strings(value, 'profiles'),
    refused: value.refused === true,
    refusals: notes.filter((l) => l.status === 'refused').map(describeReportLine),
    notes,
    runsOn: isObject(value.runtime) ? { runtime: str(value.runtime, 'name'), target: str(value.runtime, 'target'), reason: str(value.runtime, 'reason') } : null,
  };
}

export function asObject(value: Json | undefined): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}
