import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DetectCache } from '../../src/background/detectcache';
import { PageHub } from '../../src/background/pagehub';
import type { Json, JsonObject } from '../../src/shared/json';
import type { WorkerMessage } from '../../src/shared/messages';
import { WorkerLink } from '../../src/shared/workerlink';
import { FakePort } from './fakeport';

// A native side that answers every request at once from a table.
class FakeSink {
  readonly calls: [string, JsonObject, number | undefined][] = [];
  answers: Record<string, Json | Error> = {};
  request(method: string, params: JsonObject, timeoutMs?: number): Promise<Json> {
    this.calls.push([method, params, timeoutMs]);
    const a = this.answers[method];
    if (a instanceof Error) return Promise.reject({ code: 'test.error', message: a.message });
    return Promise.resolve(a ?? null);
  }
}

// Two FakePorts joined back to back, like chrome.runtime.connect gives a page and the worker.
function pipe(): { page: FakePort; worker: FakePort } {
  const page = new FakePort();
  const worker = new FakePort();
  page.postMessage = (m: unknown) => {
    if (page.disconnected) throw new Error('disconnected');
    page.posted.push(m);
    queueMicrotask(() => worker.deliver(m));
  };
  worker.postMessage = (m: unknown) => {
    if (worker.disconnected) throw new Error('disconnected');
    worker.posted.push(m);
    queueMicrotask(() => page.deliver(m));
  };
  return { page, worker };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

describe('PageHub and WorkerLink', () => {
  it('routes a page request to the native side and the answer back', async () => {
    const sink = new FakeSink();
    sink.answers.list = { runs: [] };
    const hub = new PageHub(sink);
    const { page, worker } = pipe();
    const link = new WorkerLink(() => page);
    const reply = link.request('list');
    hub.add(worker, { state: 'idle' }, { trusted: true });
    // The request was posted before the worker side was attached: deliver it again now.
    worker.deliver(page.posted[0]);
    await expect(reply).resolves.toEqual({ runs: [] });
    expect(sink.calls[0]?.[0]).toBe('list');
  });

  it('refuses methods that belong to the worker', async () => {
    const hub = new PageHub(new FakeSink());
    const { page, worker } = pipe();
    hub.add(worker, { state: 'idle' }, { trusted: true });
    const link = new WorkerLink(() => page);
    await expect(link.request('subscribe', { logs: true })).rejects.toMatchObject({ code: 'extension.bad_method' });
    // The extension offers no cleanup: not even its own pages may remove runs or prune.
    await expect(link.request('remove', { allStopped: true })).rejects.toMatchObject({ code: 'extension.bad_method' });
    await expect(link.request('prune', {})).rejects.toMatchObject({ code: 'extension.bad_method' });
  });

  it('gives slow methods a long timeout', async () => {
    const sink = new FakeSink();
    const hub = new PageHub(sink);
    const { page, worker } = pipe();
    hub.add(worker, { state: 'idle' }, { trusted: true });
    const link = new WorkerLink(() => page);
    await link.request('plan', { source: 's' });
    await link.request('list');
    expect(sink.calls.map((c) => [c[0], c[2]])).toEqual([
      ['plan', 180_000],
      ['list', undefined],
    ]);
  });

  it('sends extension pages run logs only for runs they watch, and run updates to all', async () => {
    const hub = new PageHub(new FakeSink());
    const a = pipe();
    const b = pipe();
    hub.add(a.worker, { state: 'idle' }, { trusted: true });
    hub.add(b.worker, { state: 'idle' }, { trusted: true });
    const linkA = new WorkerLink(() => a.page);
    const linkB = new WorkerLink(() => b.page);
    const seenA: string[] = [];
    const seenB: string[] = [];
    linkA.onEvent((e, d) => seenA.push(`${e}:${String(d.runId)}`));
    linkB.onEvent((e, d) => seenB.push(`${e}:${String(d.runId)}`));
    linkA.watch(['r1']);
    linkB.open();
    await flush();
    hub.dispatchEvent('run.log', { runId: 'r1', lines: [] });
    hub.dispatchEvent('run.log', { runId: 'r2', lines: [] });
    hub.dispatchEvent('run.updated', { runId: 'r2', run: {} });
    await flush();
    expect(seenA).toEqual(['run.log:r1', 'run.updated:r2']);
    expect(seenB).toEqual(['run.updated:r2']);
  });

  it('tells each page the connection status when it connects and when it changes', async () => {
    const hub = new PageHub(new FakeSink());
    const { page, worker } = pipe();
    const link = new WorkerLink(() => page);
    const states: string[] = [];
    link.onStatus((s) => states.push(s.state));
    link.open();
    hub.add(worker, { state: 'connected' });
    hub.dispatchStatus({ state: 'failed', error: { code: 'extension.host_missing', message: 'x' } });
    await flush();
    expect(states).toEqual(['connected', 'failed']);
  });

  it('counts pages so the worker subscribes only while someone listens', () => {
    const counts: number[] = [];
    const hub = new PageHub(new FakeSink(), (n) => counts.push(n));
    const a = pipe();
    hub.add(a.worker, { state: 'idle' });
    a.worker.drop();
    expect(counts).toEqual([1, 0]);
  });

  it('asks detect once for concurrent pages of one repository', async () => {
    const sink = new FakeSink();
    sink.answers.detect = { compose: true, services: ['web'] };
    const hub = new PageHub(sink);
    const a = pipe();
    const b = pipe();
    const tab = { trusted: false, tabUrl: () => 'https://github.com/o/r/tree/main' };
    hub.add(a.worker, { state: 'idle' }, tab);
    hub.add(b.worker, { state: 'idle' }, tab);
    const source = { source: 'https://github.com/o/r' };
    const [ra, rb] = await Promise.all([new WorkerLink(() => a.page).request('detect', source), new WorkerLink(() => b.page).request('detect', source)]);
    expect(ra).toEqual(rb);
    expect(sink.calls.filter((c) => c[0] === 'detect')).toHaveLength(1);
  });
});

describe('WorkerLink across worker restarts', () => {
  let now = 0;
  beforeEach(() => {
    now = 0;
  });

  it('fails pending requests when the worker goes away and reconnects with its watch list', () => {
    const ports: FakePort[] = [];
    const link = new WorkerLink(
      () => {
        const p = new FakePort();
        ports.push(p);
        return p;
      },
      () => now,
    );
    link.watch(['r1']);
    const pending = link.request('get', { runId: 'r1' });
    const first = ports[0];
    if (!first) throw new Error('no port');
    now = 5_000; // the worker lived a while and was stopped for idling
    first.drop();
    expect(ports).toHaveLength(2);
    expect(ports[1]?.posted).toEqual([{ kind: 'watch', runIds: ['r1'] }]);
    return expect(pending).rejects.toMatchObject({ code: 'extension.worker_gone' });
  });

  it('does not spin when the worker drops it at once', () => {
    const ports: FakePort[] = [];
    const link = new WorkerLink(
      () => {
        const p = new FakePort();
        ports.push(p);
        return p;
      },
      () => now,
    );
    link.watch(['r1']);
    ports[0]?.drop();
    expect(ports).toHaveLength(1);
  });

  it('reports an invalidated extension context as an error, not an exception', async () => {
    const link = new WorkerLink(() => {
      throw new Error('Extension context invalidated.');
    });
    await expect(link.request('list')).rejects.toMatchObject({ code: 'extension.worker_gone' });
  });

  it('routes responses by id and ignores unknown ones', async () => {
    const p = new FakePort();
    const link = new WorkerLink(() => p);
    const one = link.request('list');
    const two = link.request('get', { runId: 'x' });
    const [m1, m2] = p.posted as { id: number }[];
    p.deliver({ kind: 'response', id: 999, result: 'stray' } satisfies WorkerMessage);
    p.deliver({ kind: 'response', id: m2?.id ?? -1, error: { code: 'run.not_found', message: 'no' } } satisfies WorkerMessage);
    p.deliver({ kind: 'response', id: m1?.id ?? -1, result: { runs: [] } } satisfies WorkerMessage);
    await expect(one).resolves.toEqual({ runs: [] });
    await expect(two).rejects.toEqual({ code: 'run.not_found', message: 'no' });
  });
});

describe('DetectCache', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('remembers answers for a while and forgets failures at once', async () => {
    let t = 0;
    const cache = new DetectCache(60_000, () => t);
    let calls = 0;
    const ok = () => {
      calls++;
      return Promise.resolve<Json>({ n: calls });
    };
    await expect(cache.get('a', ok)).resolves.toEqual({ n: 1 });
    t = 59_000;
    await expect(cache.get('a', ok)).resolves.toEqual({ n: 1 });
    t = 120_001;
    await expect(cache.get('a', ok)).resolves.toEqual({ n: 2 });
    const fail = () => Promise.reject<Json>({ code: 'x', message: 'down' });
    await expect(cache.get('b', fail)).rejects.toMatchObject({ code: 'x' });
    await expect(cache.get('b', ok)).resolves.toEqual({ n: 3 });
  });
});

describe('PageHub watch', () => {
  it('asks the native side to keep a subscription when a page watches runs', async () => {
    let kept = 0;
    const sink = Object.assign(new FakeSink(), { keepSubscribed: () => void kept++ });
    const hub = new PageHub(sink);
    const { page, worker } = pipe();
    hub.add(worker, { state: 'idle' });
    const link = new WorkerLink(() => page);
    link.watch([]);
    link.watch(['r1']);
    await flush();
    expect(kept).toBe(1);
  });

  it("keeps web pages to a short list, their own site's repositories and no unsafe options", async () => {
    const sink = new FakeSink();
    const hub = new PageHub(sink);
    const { page, worker } = pipe();
    hub.add(worker, { state: 'idle' }, { trusted: false, tabUrl: () => 'https://github.com/o/r' });
    const link = new WorkerLink(() => page);
    const refused = async (p: Promise<Json>) => (await p.then(() => null, (e: { code: string; message: string }) => e))?.code;
    expect(await refused(link.request('start', { source: 'https://github.com/o/r', options: { allowUnsafe: true } }))).toBe('extension.needs_consent');
    expect(await refused(link.request('start', { source: 'https://github.com/o/r', options: { allowUnsafe: false } }))).toBe('extension.needs_consent');
    expect(await refused(link.request('plan', { source: 'https://github.com/o/r', options: { values: { A: '1' } } }))).toBe('extension.needs_consent');
    expect(await refused(link.request('start', { source: 'https://github.com/o/r', options: { offline: true } }))).toBe('extension.needs_consent');
    expect(await refused(link.request('start', { source: 'https://github.com/o/r', options: { dockerfile: '../../etc/x' } }))).toBe('extension.needs_consent');
    expect(await refused(link.request('start', { source: 'https://github.com/o/r', options: { replace: true } }))).toBe('extension.needs_consent');
    expect(await refused(link.request('start', { source: '/home/me/secret' }))).toBe('extension.needs_consent');
    expect(await refused(link.request('detect', { source: 'file:///home/me/secret' }))).toBe('extension.needs_consent');
    expect(await refused(link.request('detect', { source: 'https://github.com/o/r', path: '/home/me' }))).toBe('extension.needs_consent');
    expect(await refused(link.request('plan', { source: 'https://github.com/o/r', ref: 'x' }))).toBe('extension.needs_consent');
    expect(await refused(link.request('logs', { runId: 'r1', follow: true }))).toBe('extension.needs_consent');
    expect(await refused(link.request('settings', { set: { defaultRuntime: 'docker' } }))).toBe('extension.needs_consent');
    expect(await refused(link.request('host.status'))).toBe('extension.needs_consent');
    expect(await refused(link.request('auth.setToken', { token: 'ghp_page_must_not_set' }))).toBe('extension.needs_consent');
    expect(await refused(link.request('auth.clearToken', {}))).toBe('extension.needs_consent');
    expect(await refused(link.request('auth.status', {}))).toBe('extension.needs_consent');
    expect(await refused(link.request('start', { source: 'https://github.com/o/r', options: { keepOnFailure: true } }))).toBe('extension.needs_consent');
    expect(await refused(link.request('hello', { client: 'x' }))).toBe('extension.needs_consent');
    expect(await refused(link.request('openPreview', { runId: 'r1' }))).toBe('extension.needs_consent');
    // Removing runs and pruning images are for the user at the CLI or the tray, never a web page.
    expect(await refused(link.request('remove', { runId: 'r1' }))).toBe('extension.needs_consent');
    expect(await refused(link.request('remove', { allStopped: true }))).toBe('extension.needs_consent');
    expect(await refused(link.request('prune', { dryRun: false }))).toBe('extension.needs_consent');
    expect(sink.calls).toEqual([]); // nothing refused reached the native side
    await link.request('start', { source: 'https://github.com/o/r', options: { services: ['web'], runtime: 'docker', idempotencyKey: 'k' } });
    expect(sink.calls.map((c) => c[0])).toEqual(['start']);
  });

  it("rebuilds a web page's source from its tab's current URL", async () => {
    const sink = new FakeSink();
    const hub = new PageHub(sink);
    const { page, worker } = pipe();
    let tabUrl = 'https://github.com/o/r/tree/dev';
    hub.add(worker, { state: 'idle' }, { trusted: false, tabUrl: () => Promise.resolve(tabUrl) });
    const link = new WorkerLink(() => page);
    await link.request('plan', { source: 'https://github.com/evil/other', options: { mode: 'compose' } });
    await link.request('start', { source: 'https://evil.example/o/r' });
    expect(sink.calls.map((c) => c[1].source)).toEqual(['https://github.com/o/r/tree/dev', 'https://github.com/o/r/tree/dev']);
    // GitHub navigated without a reload: the next request is about the new page.
    tabUrl = 'https://github.com/o/r2';
    await link.request('detect', { source: 'https://github.com/o/r' });
    expect(sink.calls.at(-1)?.[1]).toEqual({ source: 'https://github.com/o/r2' });
    // A tab that shows no repository gets nothing.
    tabUrl = 'https://github.com/features';
    await expect(link.request('detect', { source: 'https://github.com/o/r' })).rejects.toMatchObject({ code: 'extension.needs_consent' });
    expect(sink.calls).toHaveLength(3);
  });

  it("lets a web page see and stop only its own repository's runs, without secrets", async () => {
    const sink = new FakeSink();
    const mine = { id: 'r1', source: 'https://user:token@github.com/o/r', owner: 'o', repo: 'r', state: 'READY', options: { values: { TOKEN: 's3cret' } } };
    const theirs = { id: 'r2', source: 'https://github.com/x/y', owner: 'x', repo: 'y', state: 'READY' };
    sink.answers.list = { runs: [mine, theirs] };
    const hub = new PageHub(sink);
    const { page, worker } = pipe();
    hub.add(worker, { state: 'idle' }, { trusted: false, tabUrl: () => 'https://github.com/o/r/tree/main' });
    const link = new WorkerLink(() => page);
    const list = (await link.request('list')) as { runs: JsonObject[] };
    expect(list.runs.map((r) => r.id)).toEqual(['r1']);
    expect(list.runs[0]).toEqual({ id: 'r1', source: 'https://github.com/o/r', owner: 'o', repo: 'r', state: 'READY' });
    sink.answers.stop = { run: theirs };
    await expect(link.request('stop', { runId: 'r2' })).rejects.toMatchObject({ code: 'extension.needs_consent' });
    await expect(link.request('logs', { runId: 'r2' })).rejects.toMatchObject({ code: 'extension.needs_consent' });
    // A run it has not heard of is looked up first, and refused when it is another repository's.
    sink.answers.get = { run: { id: 'r3', source: 'https://github.com/x/z', state: 'READY' } };
    await expect(link.request('get', { runId: 'r3' })).rejects.toMatchObject({ code: 'extension.needs_consent' });
    expect(sink.calls.map((c) => c[0])).toEqual(['list', 'get']);
    sink.answers.stop = { run: { ...mine, state: 'STOPPING' } };
    const stopped = (await link.request('stop', { runId: 'r1' })) as { run: JsonObject };
    expect(stopped.run).toEqual({ id: 'r1', source: 'https://github.com/o/r', owner: 'o', repo: 'r', state: 'STOPPING' });
    expect(sink.calls.map((c) => c[0])).toEqual(['list', 'get', 'stop']);
  });

  it("sends a web page only its repository's events, cut down; extension pages get all", async () => {
    const hub = new PageHub(new FakeSink());
    const web = pipe();
    const ext = pipe();
    hub.add(web.worker, { state: 'idle' }, { trusted: false, tabUrl: () => 'https://github.com/o/r' });
    hub.add(ext.worker, { state: 'idle' }, { trusted: true });
    const webLink = new WorkerLink(() => web.page);
    const extLink = new WorkerLink(() => ext.page);
    const seenWeb: [string, JsonObject][] = [];
    const seenExt: string[] = [];
    webLink.onEvent((e, d) => seenWeb.push([e, d]));
    extLink.onEvent((e, d) => seenExt.push(`${e}:${String(d.runId)}`));
    webLink.watch(['*', 'r1', 'r2']);
    extLink.watch(['*']);
    await flush();
    hub.dispatchEvent('run.updated', { runId: 'r1', run: { id: 'r1', source: 'https://github.com/o/r', state: 'READY', options: { values: { A: 'secret' } } } });
    hub.dispatchEvent('run.updated', { runId: 'r2', run: { id: 'r2', source: 'https://github.com/x/y', state: 'READY' } });
    hub.dispatchEvent('run.log', { runId: 'r1', lines: [{ text: 'mine' }] });
    hub.dispatchEvent('run.log', { runId: 'r2', lines: [{ text: 'theirs' }] });
    hub.dispatchEvent('run.log', { runId: 'r9', lines: [{ text: 'unknown' }] });
    hub.dispatchEvent('error', { code: 'x' });
    await flush();
    expect(seenWeb).toEqual([
      ['run.updated', { runId: 'r1', run: { id: 'r1', source: 'https://github.com/o/r', state: 'READY' } }],
      ['run.log', { runId: 'r1', lines: [{ text: 'mine' }] }],
    ]);
    expect(seenExt).toEqual(['run.updated:r1', 'run.updated:r2', 'run.log:r1', 'run.log:r2', 'run.log:r9', 'error:undefined']);
  });

  it('lets extension pages ask for unsafe runs, and opens consent for the tab that asked', async () => {
    const sink = new FakeSink();
    const opened: [string, JsonObject][] = [];
    const hub = new PageHub(sink, () => {}, (url, choices) => opened.push([url, choices]));
    const ext = pipe();
    hub.add(ext.worker, { state: 'idle' }, { trusted: true });
    await new WorkerLink(() => ext.page).request('start', { source: 'https://github.com/o/r', options: { allowUnsafe: true } });
    expect(sink.calls.map((c) => c[0])).toEqual(['start']);
    const web = pipe();
    hub.add(web.worker, { state: 'idle' }, { trusted: false, tabUrl: () => 'https://github.com/o/r/tree/dev' });
    new WorkerLink(() => web.page).openConsent({ mode: 'compose', profiles: [], services: ['web'], primary: null, runtime: 'docker' });
    await flush();
    expect(opened).toEqual([['https://github.com/o/r/tree/dev', { mode: 'compose', profiles: [], services: ['web'], primary: null, runtime: 'docker' }]]);
  });
});
