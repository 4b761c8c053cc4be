// The panel's state and how requests' answers and the engine's events change it. Pure, so the
// tests can drive it with the event sequences a real run produces.
import { friendlyError, type FriendlyError } from './errors';
import type { RepoPage } from './githuburl';
import { isObject, type JsonObject, str } from './json';
import type { ConnectionStatus } from './messages';
import { choiceOptions, defaultChoices, type Mode, type PlanChoices, type RuntimeChoice, servicesToRun, toggleProfile, toggleService } from './planchoices';
import {
  type Detection,
  isTerminal,
  type LogLine,
  parseLogLines,
  parseRun,
  pipelinePhases,
  type PlanSummary,
  type RunInfo,
  type RunState,
} from './run';

export type { Mode, RuntimeChoice } from './planchoices';

// Lines kept per service: a tail, the full log stays in the app.
export const logTailLines = 300;

export interface PanelState {
  page: RepoPage;
  connection: ConnectionStatus;
  detection: Detection | null;
  plan: PlanSummary | null;
  planning: boolean;
  choices: PlanChoices; // what the user picked (remembered per repository)
  plannedKey: string | null; // planKey() of the choices `plan` answers
  run: RunInfo | null;
  busy: 'starting' | 'stopping' | null;
  error: FriendlyError | null;
  logs: Record<string, LogLine[]>; // by service; "" is the run's own log (phases, build)
  selectedLog: string;
}

export type PanelAction =
  | { type: 'connection'; status: ConnectionStatus }
  | { type: 'detected'; detection: Detection }
  | { type: 'planning' }
  // `key`: planKey() of the choices the plan was asked for; omitted = the current ones.
  | { type: 'planned'; plan: PlanSummary; key?: string }
  | { type: 'failed'; error: FriendlyError }
  | { type: 'chooseMode'; mode: Mode }
  | { type: 'choosePrimary'; service: string }
  | { type: 'chooseRuntime'; runtime: RuntimeChoice }
  | { type: 'toggleProfile'; profile: string }
  | { type: 'toggleService'; service: string }
  | { type: 'restoreChoices'; choices: PlanChoices } // remembered ones, read after the panel opened
  | { type: 'starting' }
  | { type: 'stopping' }
  | { type: 'attached'; run: RunInfo } // the panel now follows this run
  | { type: 'runUpdated'; run: RunInfo } // a newer record of the followed run
  | { type: 'logHistory'; runId: string; lines: LogLine[] }
  | { type: 'event'; event: string; data: JsonObject }
  | { type: 'selectLog'; service: string }
  | { type: 'reset' };

export function initialPanelState(page: RepoPage, choices: PlanChoices = defaultChoices): PanelState {
  return {
    page,
    connection: { state: 'idle' },
    detection: null,
    plan: null,
    planning: false,
    choices,
    plannedKey: null,
    run: null,
    busy: null,
    error: null,
    logs: {},
    selectedLog: '',
  };
}

function lineKey(l: LogLine): string {
  return `${l.time}\u0000${l.service}\u0000${l.stream}\u0000${l.text}`;
}

function appendLines(logs: Record<string, LogLine[]>, lines: LogLine[]): Record<string, LogLine[]> {
  if (lines.length === 0) return logs;
  const out = { ...logs };
  for (const line of lines) {
    const list = (out[line.service] = out[line.service] === logs[line.service] ? [...(logs[line.service] ?? [])] : (out[line.service] ?? []));
    list.push(line);
  }
  for (const service of Object.keys(out)) {
    const list = out[service];
    if (list && list.length > logTailLines) out[service] = list.slice(list.length - logTailLines);
  }
  return out;
}

// Stored lines (with ids) fetched after attaching, merged with the live ones that arrived
// meanwhile (pushed lines carry no id yet, so equal time+service+stream+text means the same line).
function mergeHistory(logs: Record<string, LogLine[]>, history: LogLine[]): Record<string, LogLine[]> {
  const known = new Set(history.map(lineKey));
  const live: LogLine[] = [];
  for (const list of Object.values(logs)) for (const l of list) if (!known.has(lineKey(l))) live.push(l);
  return appendLines({}, [...history, ...live]);
}

function firstService(state: PanelState): string | null {
  const services = state.plan?.services ?? [];
  return (services.find((s) => s.primary) ?? services[0])?.name ?? null;
}

function withChoices(state: PanelState, choices: PlanChoices): PanelState {
  return { ...state, choices };
}

// The mode in effect: the user's, else the plan's, else what detection suggests.
export function effectiveMode(state: PanelState): Mode | null {
  return state.choices.mode ?? state.plan?.mode ?? state.detection?.defaultMode ?? null;
}

// The services Start would run, known before asking the engine again: the closure of the picks
// over the catalog, or the plan's own list when the app sent no catalog (Dockerfile mode).
export function plannedServices(state: PanelState): string[] {
  const plan = state.plan;
  if (!plan) return [];
  if (plan.catalog.length === 0 || effectiveMode(state) === 'dockerfile') return plan.services.map((s) => s.name);
  return servicesToRun(plan.catalog, state.choices);
}

// What a plan depends on among the choices: mode, profiles and picked services (not the
// primary or the runtime, which Start sends without planning again).
export function planKey(state: PanelState): string {
  const { mode, profiles, services } = choiceOptions(state.choices, effectiveMode(state));
  return JSON.stringify([mode ?? null, profiles ?? [], services ?? [], state.choices.runtime]);
}

// The plan on screen was made for other choices (the user changed something since): Start
// waits for the plan that matches, whatever the engine decided to run for it.
export function planIsStale(state: PanelState): boolean {
  return state.plan !== null && state.plannedKey !== planKey(state);
}

export function reducePanel(state: PanelState, action: PanelAction): PanelState {
  switch (action.type) {
    case 'connection':
      return { ...state, connection: action.status };
    case 'detected':
      return { ...state, detection: action.detection };
    case 'planning':
      return { ...state, planning: true, error: null };
    case 'planned': {
      const next = { ...state, plan: action.plan, planning: false, plannedKey: action.key ?? planKey(state) };
      const names = action.plan.services.map((s) => s.name);
      const primary = next.choices.primary && names.includes(next.choices.primary) ? next.choices.primary : firstService(next);
      return withChoices(next, { ...next.choices, primary });
    }
    case 'failed':
      return { ...state, error: action.error, planning: false, busy: null };
    case 'chooseMode':
      return state.choices.mode === action.mode ? state : { ...state, plan: null, choices: { ...state.choices, mode: action.mode, primary: null } };
    case 'choosePrimary':
      return withChoices(state, { ...state.choices, primary: action.service });
    case 'chooseRuntime':
      return withChoices(state, { ...state.choices, runtime: action.runtime });
    case 'toggleProfile':
      return withChoices(state, toggleProfile(state.choices, state.plan?.catalog ?? [], action.profile));
    case 'toggleService': {
      const choices = toggleService(state.choices, action.service);
      // The primary must be among what runs; else the engine picks again.
      const runs = plannedServices({ ...state, choices });
      return withChoices(state, { ...choices, primary: choices.primary && runs.includes(choices.primary) ? choices.primary : null });
    }
    case 'restoreChoices':
      return withChoices(state, action.choices);
    case 'starting':
      return { ...state, busy: 'starting', error: null, logs: {}, selectedLog: '' };
    case 'stopping':
      return { ...state, busy: 'stopping', error: null };
    case 'attached': {
      const sameRun = state.run?.id === action.run.id;
      return {
        ...state,
        run: action.run,
        planning: false,
        busy: state.busy === 'starting' ? null : state.busy,
        logs: sameRun ? state.logs : {},
        selectedLog: sameRun ? state.selectedLog : '',
      };
    }
    case 'runUpdated':
      return updateRun(state, action.run);
    case 'logHistory':
      if (state.run?.id !== action.runId) return state;
      return { ...state, logs: mergeHistory(state.logs, action.lines) };
    case 'selectLog':
      return { ...state, selectedLog: action.service };
    case 'reset':
      return { ...state, run: null, busy: null, error: null, logs: {}, selectedLog: '' };
    case 'event':
      return reduceEvent(state, action.event, action.data);
  }
}

function updateRun(state: PanelState, run: RunInfo): PanelState {
  if (!state.run || run.id !== state.run.id) return state;
  // A record older than what we show (events and replies can cross) is ignored.
  if (run.updatedAt && state.run.updatedAt && run.updatedAt < state.run.updatedAt) return state;
  const busy = state.busy === 'stopping' && !isTerminal(run.state) ? 'stopping' : state.busy === 'starting' ? 'starting' : null;
  return { ...state, run, busy };
}

function reduceEvent(state: PanelState, event: string, data: JsonObject): PanelState {
  const runId = str(data, 'runId');
  if (!state.run || runId !== state.run.id) return state;
  if (event === 'run.updated') {
    const run = parseRun(isObject(data.run) ? data.run : undefined);
    return run ? updateRun(state, run) : state;
  }
  if (event === 'run.log') return { ...state, logs: appendLines(state.logs, parseLogLines(data.lines)) };
  return state;
}

// ---- what the view shows, derived from the state ----

export type PhaseStatus = 'done' | 'active' | 'pending' | 'skipped' | 'failed';

export interface PhaseRow {
  phase: RunState;
  status: PhaseStatus;
  durationMs?: number;
  progress?: number; // 0..1, for an active phase that reports it
}

// The QUEUED → READY timeline: what is done (with how long it took), what runs now, where a
// failed run stopped, and phases a runtime skips (Docker has no LOADING into a cluster).
export function phaseRows(run: RunInfo): PhaseRow[] {
  const records = new Map(run.phases.map((p) => [p.phase, p]));
  let reached = -1;
  pipelinePhases.forEach((phase, i) => {
    if (records.has(phase)) reached = i;
  });
  const lastRecorded = reached >= 0 ? pipelinePhases[reached] : undefined;
  const failedIn = run.state === 'FAILED' ? run.diagnosis?.phase || lastRecorded || '' : '';
  return pipelinePhases.map((phase, i): PhaseRow => {
    const p = records.get(phase);
    if (!p) return { phase, status: i < reached ? 'skipped' : 'pending' };
    let status: PhaseStatus = 'done';
    if (phase === failedIn) status = 'failed';
    else if (phase === run.state && phase !== 'READY') status = 'active';
    const row: PhaseRow = { phase, status };
    if (p.durationMs !== undefined && status !== 'active') row.durationMs = p.durationMs;
    if (status === 'active' && p.progress > 0 && p.progress < 1) row.progress = p.progress;
    return row;
  });
}

// Log tabs: the run's own log first, then every service the plan or the run knows.
export function logTabs(state: PanelState): { service: string; label: string; count: number }[] {
  const names = new Set<string>();
  for (const s of state.plan?.services ?? []) names.add(s.name);
  for (const s of state.run?.services ?? []) names.add(s.service);
  for (const e of state.run?.endpoints ?? []) names.add(e.service);
  for (const key of Object.keys(state.logs)) if (key) names.add(key);
  return [
    { service: '', label: 'run', count: state.logs['']?.length ?? 0 },
    ...[...names].sort().map((service) => ({ service, label: service, count: state.logs[service]?.length ?? 0 })),
  ];
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function errorFromUnknown(e: unknown): FriendlyError {
  if (isObject(e as JsonObject) && typeof (e as { code?: unknown }).code === 'string')
    return friendlyError({ code: str(e as JsonObject, 'code'), message: str(e as JsonObject, 'message') });
  return friendlyError({ code: 'extension.unexpected', message: e instanceof Error ? e.message : String(e) });
}
