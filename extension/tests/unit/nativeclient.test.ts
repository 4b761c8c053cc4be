import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NativeClient, protocolVersion } from '../../src/background/nativeclient';
import { errorCode } from '../../src/shared/errors';
import type { ConnectionStatus, RpcError } from '../../src/shared/messages';
import { FakePort } from './fakeport';

function setup(options: { lastError?: string; reconnectDelaysMs?: number[]; failConnect?: boolean } = {}) {
  const ports: FakePort[] = [];
  let lastError: string | undefined = options.lastError;
  const client = new NativeClient({
    connect: () => {
      if (options.failConnect) throw new Error('Invalid native messaging host name specified.');
      const p = new FakePort();
      ports.push(p);
      return p;
    },
    lastError: () => lastError,
    defaultTimeoutMs: 5_000,
    reconnectDelaysMs: options.reconnectDelaysMs ?? [1_000, 2_000],
  });
  const statuses: ConnectionStatus[] = [];
  client.onStatus((s) => statuses.push(s));
  const events: [string, unknown][] = [];
  client.onEvent((e, d) => events.push([e, d]));
  return { client, ports, statuses, events, setLastError: (e: string | undefined) => (lastError = e) };
}

const port = (ports: FakePort[], i = 0): FakePort => {
  const p = ports[i];
  if (!p) throw new Error(`no port ${i}`);
  return p;
};

describe('NativeClient', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('connects lazily, says hello first and correlates replies by id, in any order', async () => {
    const { client, ports, statuses } = setup();
    expect(ports).toHaveLength(0);
    const list = client.request('list');
    const get = client.request('get', { runId: 'r1' });
    const p = port(ports);
    expect(p.requests().map((r) => r.method)).toEqual(['hello', 'list', 'get']);
    expect(p.lastRequest('hello').params).toEqual({ client: 'reporunner-extension', version: protocolVersion });
    // Replies may come back out of order; ids route them.
    p.deliver({ id: p.lastRequest('get').id, result: { run: { id: 'r1' } } });
    p.deliver({ id: p.lastRequest('hello').id, result: { server: 'reporunner' } });
    p.deliver({ id: p.lastRequest('list').id, result: { runs: [] } });
    await expect(get).resolves.toEqual({ run: { id: 'r1' } });
    await expect(list).resolves.toEqual({ runs: [] });
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(ports).toHaveLength(1); // one port for everything
  });

  it("asks the host for its status without a hello, so the app is not started for it", async () => {
    const { client, ports } = setup();
    const status = client.request('host.status');
    const p = port(ports);
    expect(p.requests().map((r) => r.method)).toEqual(['host.status']);
    p.deliver({ id: p.lastRequest('host.status').id, result: { protocol: protocolVersion, appRunning: false } });
    await expect(status).resolves.toEqual({ protocol: protocolVersion, appRunning: false });
    void client.request('list').catch(() => {});
    expect(p.requests().map((r) => r.method)).toEqual(['host.status', 'hello', 'list']);
  });

  it('refuses an app that reports another protocol version, and lets the port go', async () => {
    const { client, ports, statuses } = setup();
    const list = client.request('list');
    const p = port(ports);
    p.deliver({ id: p.lastRequest('hello').id, result: { server: 'reporunner', protocol: protocolVersion - 1 } });
    const error = await list.then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(error?.code).toBe(errorCode.versionMismatch);
    expect(error?.message).toContain('Update RepoRunner');
    expect(error?.message).toContain(`protocol ${protocolVersion - 1}`);
    expect(p.disconnected).toBe(true);
    expect(statuses.at(-1)).toEqual({ state: 'failed', error });
    // A newer app asks for a newer extension; the next request opens a fresh port.
    const again = client.request('list');
    const p2 = port(ports, 1);
    p2.deliver({ id: p2.lastRequest('hello').id, result: { protocol: protocolVersion + 1 } });
    await expect(again).rejects.toMatchObject({ code: errorCode.versionMismatch, message: expect.stringContaining('Update the RepoRunner extension') });
  });

  it('treats the app refusing our version like a mismatch', async () => {
    const { client, ports } = setup();
    const list = client.request('list');
    const p = port(ports);
    p.deliver({ id: p.lastRequest('hello').id, error: { code: 'ipc.version_mismatch', message: 'The client speaks protocol 9, this server 2; update RepoRunner.' } });
    await expect(list).rejects.toMatchObject({ code: errorCode.versionMismatch });
    expect(p.disconnected).toBe(true);
  });

  it('passes engine errors through with their code', async () => {
    const { client, ports } = setup();
    const get = client.request('get', { runId: 'nope' });
    const p = port(ports);
    p.deliver({ id: p.lastRequest('get').id, error: { code: 'run.not_found', message: 'There is no run "nope".' } });
    await expect(get).rejects.toEqual({ code: 'run.not_found', message: 'There is no run "nope".' });
  });

  it('subscribes once while pages listen and resubscribes on a new port', async () => {
    const { client, ports } = setup();
    client.setWantEvents(true);
    void client.request('list').catch(() => {});
    void client.request('get', { runId: 'a' }).catch(() => {});
    const p = port(ports);
    expect(p.requests().map((r) => r.method)).toEqual(['hello', 'subscribe', 'list', 'get']);
    expect(p.lastRequest('subscribe').params).toEqual({ logs: true });
    p.drop();
    void client.request('list').catch(() => {});
    expect(port(ports, 1).requests().map((r) => r.method)).toEqual(['hello', 'subscribe', 'list']);
  });

  it('fans pushed events out and folds event-level errors into the data', () => {
    const { client, ports, events } = setup();
    void client.request('list');
    const p = port(ports);
    p.deliver({ event: 'run.updated', data: { runId: 'r1', run: { id: 'r1', state: 'BUILDING' } } });
    p.deliver({ event: 'error', error: { code: 'nativehost.too_large', message: 'dropped' } });
    expect(events).toEqual([
      ['run.updated', { runId: 'r1', run: { id: 'r1', state: 'BUILDING' } }],
      ['error', { code: 'nativehost.too_large', message: 'dropped' }],
    ]);
  });

  it('maps a missing host to an actionable error and does not retry by itself', async () => {
    const { client, ports, statuses } = setup({ lastError: 'Specified native messaging host not found.' });
    client.setWantEvents(true);
    const detect = client.request('detect', { source: 'https://github.com/o/r' });
    port(ports).drop();
    await expect(detect).rejects.toMatchObject({ code: 'extension.host_missing' });
    expect(statuses.at(-1)).toMatchObject({ state: 'failed', error: { code: 'extension.host_missing' } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ports).toHaveLength(1); // never established: wait for the user's next action
  });

  it('maps a refused origin and a crashed host', () => {
    const forbidden = setup({ lastError: 'Access to the specified native messaging host is forbidden.' });
    forbidden.client.request('list').catch((e: RpcError) => expect(e.code).toBe('extension.host_forbidden'));
    port(forbidden.ports).drop();
    const crashed = setup({ lastError: 'Native host has exited.' });
    crashed.client.request('list').catch((e: RpcError) => expect(e.code).toBe('extension.host_failed'));
    port(crashed.ports).drop();
    expect.assertions(2);
  });

  it('wins back a lost subscription with backoff after a working port dies', async () => {
    const { client, ports, setLastError } = setup({ reconnectDelaysMs: [1_000, 2_000] });
    client.setWantEvents(true);
    void client.request('list').catch(() => {});
    const first = port(ports);
    first.deliver({ id: first.lastRequest('hello').id, result: {} });
    setLastError('Native host has exited.');
    first.drop();
    expect(ports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(ports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(ports).toHaveLength(2);
    expect(port(ports, 1).requests().map((r) => r.method)).toEqual(['hello', 'subscribe']);
    // That one dies before answering: one more attempt after the next delay, then no more.
    port(ports, 1).drop();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ports).toHaveLength(3);
    port(ports, 2).drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ports).toHaveLength(3);
  });

  it('stops trying to reconnect when nobody listens any more', async () => {
    const { client, ports } = setup();
    client.setWantEvents(true);
    void client.request('list').catch(() => {});
    port(ports).deliver({ id: 1, result: {} });
    port(ports).drop();
    client.setWantEvents(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ports).toHaveLength(1);
  });

  it('times a request out, and ignores its late reply', async () => {
    const { client, ports } = setup();
    const slow = client.request('plan', { source: 'x' }, 3_000);
    const rejection = expect(slow).rejects.toMatchObject({ code: 'extension.timeout' });
    await vi.advanceTimersByTimeAsync(3_000);
    await rejection;
    const p = port(ports);
    expect(() => p.deliver({ id: p.lastRequest('plan').id, result: {} })).not.toThrow();
  });

  it('reports the app going away behind a live host, and recovers with the next request', async () => {
    const { client, ports, statuses, events } = setup();
    client.setWantEvents(true);
    void client.request('list');
    const p = port(ports);
    p.deliver({ id: p.lastRequest('hello').id, result: {} });
    p.deliver({ event: 'app.disconnected', data: {} });
    expect(statuses.at(-1)).toMatchObject({ state: 'failed', error: { code: 'extension.app_stopped' } });
    expect(events.at(-1)?.[0]).toBe('app.disconnected');
    expect(p.requests().filter((r) => r.method === 'subscribe')).toHaveLength(1); // not eagerly
    const list = client.request('list');
    expect(p.requests().filter((r) => r.method === 'subscribe')).toHaveLength(2);
    p.deliver({ id: p.lastRequest('list').id, result: { runs: [] } });
    await list;
    expect(statuses.at(-1)?.state).toBe('connected');
  });

  it('marks the connection failed when the host cannot reach the app', async () => {
    const { client, ports, statuses } = setup();
    const list = client.request('list');
    const p = port(ports);
    const unavailable = { code: 'nativehost.app_unavailable', message: 'RepoRunner is not running; start the RepoRunner app' };
    p.deliver({ id: p.lastRequest('hello').id, error: unavailable });
    p.deliver({ id: p.lastRequest('list').id, error: unavailable });
    await expect(list).rejects.toEqual(unavailable);
    expect(statuses.at(-1)).toEqual({ state: 'failed', error: unavailable });
  });

  it('reports a connectNative that throws', async () => {
    const { client, statuses } = setup({ failConnect: true });
    await expect(client.request('list')).rejects.toMatchObject({ code: 'extension.host_failed' });
    expect(statuses.at(-1)?.state).toBe('failed');
  });
});

describe('NativeClient.keepSubscribed', () => {
  it('subscribes at once when a page watches a run, and only once', () => {
    const { client, ports } = setup();
    client.keepSubscribed(); // nobody listens: nothing happens
    expect(ports).toHaveLength(0);
    client.setWantEvents(true);
    client.keepSubscribed();
    client.keepSubscribed();
    expect(port(ports).requests().map((r) => r.method)).toEqual(['hello', 'subscribe']);
  });
});
