import { describe, expect, it } from 'vitest';
import { parseRepoPage } from '../../src/shared/githuburl';
import type { JsonObject } from '../../src/shared/json';
import { effectiveMode, formatDuration, initialPanelState, logTabs, logTailLines, type PanelAction, type PanelState, phaseRows, planIsStale, reducePanel } from '../../src/shared/panelstate';
import { describeDetection, describeRunsOn, parseDetection, parsePlan, parseRun, type RunInfo } from '../../src/shared/run';

const page = parseRepoPage('https://github.com/acme/hello-web');
if (!page) throw new Error('fixture page');

// A run record shaped like engine/runs/runjson.cpp's, at a given state.
function runJson(state: string, extra: JsonObject = {}, updatedAt = '2025-01-01T00:00:05.000Z'): JsonObject {
  const order = ['QUEUED', 'FETCHING', 'BUILDING', 'LOADING', 'DEPLOYING', 'READY', 'STOPPING', 'STOPPED'];
  const upTo = order.indexOf(state);
  const phases: JsonObject[] = [];
  const reached = (state === 'FAILED' ? ['QUEUED', 'FETCHING', 'BUILDING', 'FAILED'] : order.slice(0, upTo + 1)).filter((p) => p !== 'LOADING');
  reached.forEach((p, i) => {
    const ph: JsonObject = { phase: p, startedAt: `2025-01-01T00:00:0${i}.000Z`, progress: 0 };
    if (i < reached.length - 1) {
      ph.finishedAt = `2025-01-01T00:00:0${i + 1}.000Z`;
      ph.durationMs = 1000 + i;
    }
    phases.push(ph);
  });
  return {
    id: 'r1', source: 'https://github.com/acme/hello-web', owner: 'acme', repo: 'hello-web', ref: 'main',
    commit: '0123456789abcdef0123456789abcdef01234567', mode: 'dockerfile', runtime: 'docker', state,
    createdAt: '2025-01-01T00:00:00.000Z', updatedAt, phases, endpoints: [], services: [], request: {},
    ...extra,
  };
}

function run(state: string, extra: JsonObject = {}, updatedAt?: string): RunInfo {
  const r = parseRun(runJson(state, extra, updatedAt));
  if (!r) throw new Error('bad fixture');
  return r;
}

function reduceAll(state: PanelState, actions: PanelAction[]): PanelState {
  return actions.reduce(reducePanel, state);
}

const plan = parsePlan({
  commit: '0123456789abcdef0123456789abcdef01234567', ref: 'main', mode: 'compose', namespace: 'rr-acme-hello',
  services: [
    { name: 'api', image: 'reporunner/acme-hello-api:x', primary: false, build: true },
    { name: 'web', image: 'reporunner/acme-hello-web:x', primary: true, build: true },
    { name: 'db', image: 'busybox:1.36', primary: false, build: false },
  ],
  manifests: [], report: [{ service: 'web', key: 'ports', status: 'mapped', reason: '' }], refused: false,
});
if (!plan) throw new Error('plan fixture');

describe('panel state from a real run sequence', () => {
  it('follows a run from start to READY and STOPPED', () => {
    let s = initialPanelState(page);
    s = reduceAll(s, [{ type: 'planning' }, { type: 'planned', plan }]);
    expect(effectiveMode(s)).toBe('compose');
    expect(s.choices.primary).toBe('web'); // the engine's primary is preselected
    s = reduceAll(s, [{ type: 'starting' }, { type: 'attached', run: run('QUEUED', {}, '2025-01-01T00:00:00.000Z') }]);
    expect(s.busy).toBeNull();
    expect(s.planning).toBe(false);
    expect(s.run?.state).toBe('QUEUED');

    const events: [string, JsonObject][] = [
      ['run.updated', { runId: 'r1', run: runJson('FETCHING', {}, '2025-01-01T00:00:01.000Z') }],
      ['run.log', { runId: 'r1', lines: [{ id: 0, service: '', time: 't1', stream: 'event', text: 'FETCHING' }] }],
      ['run.updated', { runId: 'r1', run: runJson('BUILDING', {}, '2025-01-01T00:00:02.000Z') }],
      ['run.log', { runId: 'r1', lines: [{ id: 0, service: '', time: 't2', stream: 'build', text: 'Step 1/3 : FROM busybox:1.36' }] }],
      ['run.updated', { runId: 'other', run: runJson('READY', { id: 'other' }) }], // someone else's run
      ['run.updated', { runId: 'r1', run: runJson('DEPLOYING', {}, '2025-01-01T00:00:03.000Z') }],
      ['run.log', { runId: 'r1', lines: [{ id: 0, service: 'web', time: 't3', stream: 'stdout', text: 'listening on :8000' }] }],
      [
        'run.updated',
        {
          runId: 'r1',
          run: runJson('READY', {
            endpoints: [{ service: 'web', containerPort: 8000, protocol: 'tcp', localPort: 8000, url: 'http://127.0.0.1:8000/', primary: true }],
            services: [{ service: 'web', state: 'running', restarts: 0, detail: '' }],
            previewUrl: 'http://127.0.0.1:8000/',
          }, '2025-01-01T00:00:04.000Z'),
        },
      ],
    ];
    for (const [event, data] of events) s = reducePanel(s, { type: 'event', event, data });
    expect(s.run?.state).toBe('READY');
    expect(s.run?.previewUrl).toBe('http://127.0.0.1:8000/');
    expect(s.logs['']?.map((l) => l.text)).toEqual(['FETCHING', 'Step 1/3 : FROM busybox:1.36']);
    expect(s.logs.web?.map((l) => l.text)).toEqual(['listening on :8000']);
    const rows = phaseRows(s.run as RunInfo);
    expect(rows.map((r) => `${r.phase}:${r.status}`)).toEqual([
      'QUEUED:done', 'FETCHING:done', 'BUILDING:done', 'LOADING:skipped', 'DEPLOYING:done', 'READY:done',
    ]);
    expect(rows[0]?.durationMs).toBe(1000);

    // A late, older update must not move the panel backwards.
    s = reducePanel(s, { type: 'event', event: 'run.updated', data: { runId: 'r1', run: runJson('BUILDING', {}, '2025-01-01T00:00:02.500Z') } });
    expect(s.run?.state).toBe('READY');

    s = reducePanel(s, { type: 'stopping' });
    s = reducePanel(s, { type: 'event', event: 'run.updated', data: { runId: 'r1', run: runJson('STOPPING', {}, '2025-01-01T00:00:06.000Z') } });
    expect(s.busy).toBe('stopping');
    s = reducePanel(s, { type: 'runUpdated', run: run('STOPPED', {}, '2025-01-01T00:00:07.000Z') });
    expect(s.busy).toBeNull();
    expect(s.run?.state).toBe('STOPPED');
  });

  it('shows where a failed run stopped and why', () => {
    let s = reducePanel(initialPanelState(page), { type: 'attached', run: run('BUILDING') });
    s = reducePanel(s, {
      type: 'event',
      event: 'run.updated',
      data: { runId: 'r1', run: runJson('FAILED', { diagnosis: { phase: 'BUILDING', code: 'docker.build_failed', summary: 'The build failed at step 2.', service: 'web', lastLines: ['RUN make', 'make: not found'] } }, '2025-01-01T00:00:09.000Z') },
    });
    expect(s.run?.diagnosis?.lastLines).toEqual(['RUN make', 'make: not found']);
    expect(phaseRows(s.run as RunInfo).map((r) => `${r.phase}:${r.status}`)).toEqual([
      'QUEUED:done', 'FETCHING:done', 'BUILDING:failed', 'LOADING:pending', 'DEPLOYING:pending', 'READY:pending',
    ]);
  });

  it('shows the active phase and its progress', () => {
    const r = run('BUILDING');
    const building = r.phases.find((p) => p.phase === 'BUILDING');
    if (building) building.progress = 0.5;
    const rows = phaseRows(r);
    expect(rows.find((x) => x.phase === 'BUILDING')).toEqual({ phase: 'BUILDING', status: 'active', progress: 0.5 });
    expect(rows.find((x) => x.phase === 'DEPLOYING')?.status).toBe('pending');
  });

  it('keeps a bounded tail per service', () => {
    let s = reducePanel(initialPanelState(page), { type: 'attached', run: run('READY') });
    const lines = Array.from({ length: logTailLines + 50 }, (_, i) => ({ id: 0, service: 'web', time: `t${i}`, stream: 'stdout', text: `line ${i}` }));
    s = reducePanel(s, { type: 'event', event: 'run.log', data: { runId: 'r1', lines } });
    expect(s.logs.web).toHaveLength(logTailLines);
    expect(s.logs.web?.at(-1)?.text).toBe(`line ${logTailLines + 49}`);
    expect(s.logs.web?.[0]?.text).toBe('line 50');
  });

  it('merges stored history with live lines without doubling them', () => {
    let s = reducePanel(initialPanelState(page), { type: 'attached', run: run('DEPLOYING') });
    s = reducePanel(s, { type: 'event', event: 'run.log', data: { runId: 'r1', lines: [{ id: 0, service: 'web', time: 't2', stream: 'stdout', text: 'b' }, { id: 0, service: 'web', time: 't3', stream: 'stdout', text: 'c' }] } });
    s = reducePanel(s, {
      type: 'logHistory',
      runId: 'r1',
      lines: [
        { id: 1, service: 'web', time: 't1', stream: 'stdout', text: 'a' },
        { id: 2, service: 'web', time: 't2', stream: 'stdout', text: 'b' },
      ],
    });
    expect(s.logs.web?.map((l) => l.text)).toEqual(['a', 'b', 'c']);
    // History for another run is not ours.
    expect(reducePanel(s, { type: 'logHistory', runId: 'zzz', lines: [] })).toBe(s);
  });

  it('changing the mode drops the old plan and primary', () => {
    let s = reducePanel(initialPanelState(page), { type: 'planned', plan });
    s = reducePanel(s, { type: 'chooseMode', mode: 'dockerfile' });
    expect(s.plan).toBeNull();
    expect(s.choices.primary).toBeNull();
    expect(reducePanel(s, { type: 'chooseMode', mode: 'dockerfile' })).toBe(s);
  });

  it('keeps the chosen primary across re-plans when it still exists', () => {
    let s = reducePanel(initialPanelState(page), { type: 'planned', plan });
    s = reducePanel(s, { type: 'choosePrimary', service: 'api' });
    s = reducePanel(s, { type: 'planned', plan });
    expect(s.choices.primary).toBe('api');
  });

  it('lists log tabs: the run first, then every service', () => {
    let s = reducePanel(initialPanelState(page), { type: 'planned', plan });
    s = reducePanel(s, { type: 'attached', run: run('READY') });
    expect(logTabs(s).map((t) => t.label)).toEqual(['run', 'api', 'db', 'web']);
  });

  it('reset clears the run for a new one', () => {
    let s = reducePanel(initialPanelState(page), { type: 'attached', run: run('STOPPED') });
    s = reducePanel(s, { type: 'reset' });
    expect(s.run).toBeNull();
  });
});

describe('decoding', () => {
  it('rejects run records without id or with an unknown state', () => {
    expect(parseRun({ id: 'x', state: 'DANCING' })).toBeNull();
    expect(parseRun({ state: 'READY' })).toBeNull();
    expect(parseRun('nope')).toBeNull();
  });

  it('keeps only service states protocol.json defines', () => {
    const services = [
      { service: 'db', state: 'healthy', restarts: 0, detail: '' },
      { service: 'web', state: 'FAILED', restarts: 0, detail: 'not a protocol state' },
      { service: 'job', state: 'completed', restarts: 1, detail: '' },
    ];
    const r = parseRun(runJson('DEPLOYING', { services }));
    expect(r?.services.map((s) => `${s.service}:${s.state}`)).toEqual(['db:healthy', 'job:completed']);
  });

  it('describes detections as the button shows them', () => {
    const d = (o: JsonObject) => {
      const x = parseDetection(o);
      if (!x) throw new Error('detection');
      return describeDetection(x);
    };
    expect(d({ compose: false, dockerfile: true, services: [], defaultMode: 'dockerfile' })).toBe('Dockerfile found');
    expect(d({ compose: true, dockerfile: false, services: ['web', 'api', 'db'], defaultMode: 'compose' })).toBe('compose found (3 services)');
    expect(d({ compose: true, dockerfile: false, services: ['web'] })).toBe('compose found (1 service)');
    expect(d({ compose: true, dockerfile: true, services: ['a', 'b'] })).toBe('compose found (2 services) · Dockerfile found');
    expect(d({ compose: false, dockerfile: false })).toBe('no Dockerfile or compose file');
  });

  it('collects refusals from the translation report', () => {
    const p = parsePlan({
      mode: 'compose', services: [], refused: true,
      report: [
        { service: 'web', key: 'privileged', status: 'refused', reason: 'privileged containers are not allowed' },
        { service: 'web', key: 'ports', status: 'mapped', reason: '' },
      ],
    });
    expect(p?.refusals).toEqual(['web privileged: privileged containers are not allowed']);
  });

  it('shows where the run would go, and why', () => {
    const p = parsePlan({ mode: 'compose', services: [], report: [], runtime: { name: 'kubernetes', target: 'context kind-reporunner at https://127.0.0.1:6443', reason: 'auto: the cluster answers' } });
    expect(p?.runsOn).toEqual({ runtime: 'kubernetes', target: 'context kind-reporunner at https://127.0.0.1:6443', reason: 'auto: the cluster answers' });
    expect(describeRunsOn(p!.runsOn!)).toBe('Runs on Kubernetes · context kind-reporunner at https://127.0.0.1:6443 · auto: the cluster answers');
    expect(describeRunsOn({ runtime: '', target: '', reason: 'The kubernetes runtime is not available here.' })).toBe('No runtime can take this run: The kubernetes runtime is not available here.');
    expect(parsePlan({ mode: 'compose', services: [], report: [] })?.runsOn).toBeNull();
  });

  it('waits for a new plan when the runtime changes', () => {
    let s = reduceAll(initialPanelState(page), [{ type: 'planning' }, { type: 'planned', plan }]);
    expect(planIsStale(s)).toBe(false);
    s = reducePanel(s, { type: 'chooseRuntime', runtime: 'docker' });
    expect(planIsStale(s)).toBe(true);
    s = reduceAll(s, [{ type: 'planning' }, { type: 'planned', plan }]);
    expect(planIsStale(s)).toBe(false);
  });

  it('formats durations', () => {
    expect(formatDuration(42)).toBe('42 ms');
    expect(formatDuration(1534)).toBe('1.5 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
