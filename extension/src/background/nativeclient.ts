// One native-messaging port to reporunner-nativehost: request/response correlation by id,
// per-request timeouts, the engine's pushed events, and re-establishing a lost subscription.
import { errorCode, nativeDisconnectError } from '../shared/errors';
import { type Json, type JsonObject, isObject, obj, str } from '../shared/json';
import { hostMethods, protocolVersion } from '../shared/generated/protocol';
import type { ConnectionStatus, RpcError, Unsubscribe } from '../shared/messages';
import type { PortLike } from '../shared/portlike';

export interface NativeClientOptions {
  connect: () => PortLike; // chrome.runtime.connectNative(nativeHostName)
  lastError: () => string | undefined; // chrome.runtime.lastError?.message, read on disconnect
  defaultTimeoutMs?: number;
  // Delays before trying to win back a subscription after a working port was lost (the host
  // crashed or was killed). One attempt per entry; a port that answers resets the count.
  reconnectDelaysMs?: readonly number[];
  clientName?: string;
}

type EventListener = (event: string, data: JsonObject) => void;
type StatusListener = (status: ConnectionStatus) => void;

interface Pending {
  method: string;
  resolve: (value: Json) => void;
  reject: (error: RpcError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export { protocolVersion };

// A peer (host or app) that speaks another protocol version than this extension.
export function versionMismatch(peer: string, theirs: number): RpcError {
  const update = theirs < protocolVersion ? 'Update RepoRunner' : 'Update the RepoRunner extension';
  return {
    code: errorCode.versionMismatch,
    message: `${update}: ${peer} speaks protocol ${theirs}, this extension ${protocolVersion}.`,
  };
}

export class NativeClient {
  private port: PortLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private subscribed = false;
  private helloSent = false; // on the current port; the app's methods wait behind it
  private wantEvents = false;
  private established = false; // the current port delivered at least one message
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private status: ConnectionStatus = { state: 'idle' };
  private readonly eventListeners = new Set<EventListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly timeoutMs: number;
  private readonly reconnectDelays: readonly number[];

  constructor(private readonly options: NativeClientOptions) {
    this.timeoutMs = options.defaultTimeoutMs ?? 30_000;
    this.reconnectDelays = options.reconnectDelaysMs ?? [1_000, 2_000, 5_000, 10_000, 30_000];
  }

  currentStatus(): ConnectionStatus {
    return this.status;
  }

  onEvent(listener: EventListener): Unsubscribe {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: StatusListener): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  // While someone listens, the port keeps a subscription to every run's updates and logs; it
  // is (re)sent with the next request, so merely opening a page never starts the app.
  setWantEvents(want: boolean): void {
    this.wantEvents = want;
    if (!want) this.cancelReconnect();
  }

  request(method: string, params: JsonObject = {}, timeoutMs = this.timeoutMs): Promise<Json> {
    const port = this.ensurePort();
    if (!port) return Promise.reject(this.status.error ?? nativeDisconnectError(undefined));
    // The host answers its own methods without the app: asking for its status starts nothing.
    if ((hostMethods as readonly string[]).includes(method)) return this.send(port, method, params, timeoutMs);
    if (this.wantEvents && !this.subscribed) this.subscribe(port);
    else this.sayHello(port);
    return this.send(port, method, params, timeoutMs);
  }

  // Makes sure run events flow now, not only after the next request: a page started watching a
  // run (after this worker was restarted, say), so the app is running and worth talking to.
  keepSubscribed(): void {
    if (!this.wantEvents || (this.port && this.subscribed)) return;
    const port = this.ensurePort();
    if (port && !this.subscribed) this.subscribe(port);
  }

  // Drops the port (the host exits when its stdin closes); pending requests fail.
  close(): void {
    this.cancelReconnect();
    const port = this.port;
    if (!port) return;
    this.port = null;
    port.disconnect();
    this.failPending({ code: errorCode.hostFailed, message: 'The connection to RepoRunner was closed.' });
    this.setStatus({ state: 'idle' });
  }

  private ensurePort(): PortLike | null {
    if (this.port) return this.port;
    this.cancelReconnect();
    let port: PortLike;
    try {
      port = this.options.connect();
    } catch (e) {
      this.setStatus({ state: 'failed', error: nativeDisconnectError(e instanceof Error ? e.message : String(e)) });
      return null;
    }
    this.port = port;
    this.established = false;
    this.subscribed = false;
    this.helloSent = false;
    port.onMessage.addListener((message) => {
      if (this.port === port) this.onMessage(message);
    });
    port.onDisconnect.addListener(() => {
      // lastError must be read inside this callback or Chrome logs it as unchecked.
      const lastError = this.options.lastError();
      if (this.port === port) this.onDisconnect(lastError);
    });
    this.setStatus({ state: 'connecting' });
    return port;
  }

  // The handshake, before the first request for the app on a port: versions are compared
  // both ways (the app refuses an unknown version; we refuse an app that reports another).
  private sayHello(port: PortLike): void {
    if (this.helloSent) return;
    this.helloSent = true;
    this.send(port, 'hello', { client: this.options.clientName ?? 'reporunner-extension', version: protocolVersion }, this.timeoutMs).then(
      (reply) => {
        const theirs = isObject(reply) ? reply.protocol : undefined;
        if (typeof theirs === 'number' && theirs !== protocolVersion) this.incompatible(port, versionMismatch('the RepoRunner app', theirs));
      },
      (error: RpcError) => {
        if (error.code === 'ipc.version_mismatch') this.incompatible(port, { code: errorCode.versionMismatch, message: error.message });
        else if (this.port === port) this.setStatus({ state: 'failed', error });
      },
    );
  }

  // Nothing on this port can be trusted to mean what we think: fail what waits, let it go, and
  // say so; the next user action tries again (the user may have updated in the meantime).
  private incompatible(port: PortLike, error: RpcError): void {
    if (this.port !== port) return;
    this.port = null;
    port.disconnect();
    this.failPending(error);
    this.setStatus({ state: 'failed', error });
  }

  private subscribe(port: PortLike): void {
    this.sayHello(port);
    this.subscribed = true;
    this.send(port, 'subscribe', { logs: true }, this.timeoutMs).catch(() => {
      if (this.port === port) this.subscribed = false;
    });
  }

  private send(port: PortLike, method: string, params: JsonObject, timeoutMs: number): Promise<Json> {
    const id = this.nextId++;
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        reject({ code: errorCode.timeout, message: `RepoRunner did not answer "${method}" within ${Math.round(timeoutMs / 1000)} s.` });
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      try {
        port.postMessage({ id, method, params });
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(nativeDisconnectError(e instanceof Error ? e.message : String(e)));
      }
    });
  }

  private onMessage(message: unknown): void {
    this.established = true;
    this.reconnectAttempt = 0;
    if (!isObject(message)) return;
    const id = message.id;
    if (typeof id === 'number' || typeof id === 'string') {
      const pending = this.pending.get(Number(id));
      if (!pending) return; // timed out already, or not ours
      this.pending.delete(Number(id));
      clearTimeout(pending.timer);
      const error = obj(message, 'error');
      if (error) {
        const rpcError = { code: str(error, 'code', 'engine.error'), message: str(error, 'message') };
        // The host could not reach (or start) the app: every page should say so.
        if (rpcError.code.startsWith('nativehost.')) this.setStatus({ state: 'failed', error: rpcError });
        pending.reject(rpcError);
      } else if ('result' in message) {
        this.setStatus({ state: 'connected' });
        pending.resolve(message.result ?? null);
      } else {
        pending.reject({ code: errorCode.badReply, message: `The reply to "${pending.method}" had neither a result nor an error.` });
      }
      return;
    }
    const event = message.event;
    if (typeof event !== 'string') return;
    let data = obj(message, 'data') ?? {};
    const error = obj(message, 'error');
    if (error) data = { ...data, code: str(error, 'code'), message: str(error, 'message') };
    if (event === 'app.disconnected') {
      // The app went away behind a live host: the next request reconnects (and subscribes
      // again). Not done eagerly, so quitting the app on purpose does not bring it back.
      this.subscribed = false;
      this.setStatus({ state: 'failed', error: { code: 'extension.app_stopped', message: 'RepoRunner stopped; live updates resume with the next action.' } });
    }
    for (const listener of [...this.eventListeners]) listener(event, data);
  }

  private onDisconnect(lastError: string | undefined): void {
    const error = nativeDisconnectError(lastError);
    const wasEstablished = this.established;
    this.port = null;
    this.subscribed = false;
    this.established = false;
    this.failPending(error);
    this.setStatus({ state: 'failed', error });
    if (this.wantEvents && (wasEstablished || this.reconnectAttempt > 0)) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== null || this.reconnectAttempt >= this.reconnectDelays.length) return;
    const delay = this.reconnectDelays[this.reconnectAttempt] ?? 0;
    this.reconnectAttempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.wantEvents || this.port) return;
      const port = this.ensurePort();
      if (port) this.subscribe(port);
      else if (this.reconnectAttempt < this.reconnectDelays.length) this.scheduleReconnect();
    }, delay);
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private failPending(error: RpcError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  private setStatus(status: ConnectionStatus): void {
    const same = this.status.state === status.state && this.status.error?.code === status.error?.code;
    this.status = status;
    if (same) return;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}
