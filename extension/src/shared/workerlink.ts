// A page's (content script's or popup's) connection to the service worker: requests with
// ids, the engine's events and the connection status, and a fresh port when the worker
// restarts (Chrome stops idle service workers).
import { errorCode } from './errors';
import { isObject, type Json, type JsonObject } from './json';
import type { AnyMethod, AnyMethodParams, ConnectionStatus, PageMessage, RpcError, Unsubscribe, WorkerMessage } from './messages';
import type { PlanChoices } from './planchoices';
import type { PortLike } from './portlike';

type EventListener = (event: string, data: JsonObject) => void;
type StatusListener = (status: ConnectionStatus) => void;

interface Pending {
  resolve: (value: Json) => void;
  reject: (error: RpcError) => void;
}

export class WorkerLink {
  private port: PortLike | null = null;
  private openedAt = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private watching: string[] = [];
  private readonly eventListeners = new Set<EventListener>();
  private readonly statusListeners = new Set<StatusListener>();

  constructor(
    private readonly connect: () => PortLike,
    private readonly now: () => number = () => Date.now(),
  ) {}

  // Typed by the protocol's schema (engine/ipc/protocol.json): a renamed or retyped parameter
  // there makes every call here that still uses the old shape fail to compile.
  request<M extends AnyMethod>(method: M, ...[params, timeoutMs]: {} extends AnyMethodParams[M] ? [params?: AnyMethodParams[M], timeoutMs?: number] : [params: AnyMethodParams[M], timeoutMs?: number]): Promise<Json> {
    const port = this.ensurePort();
    if (!port)
      return Promise.reject({ code: errorCode.workerGone, message: 'The extension was reloaded or removed; reload this page.' });
    const id = this.nextId++;
    return new Promise<Json>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: PageMessage = { kind: 'request', id, method, params: (params ?? {}) as unknown as JsonObject };
      if (timeoutMs !== undefined) message.timeoutMs = timeoutMs;
      this.post(port, message);
    });
  }

  openConsent(choices: PlanChoices): void {
    const port = this.ensurePort();
    if (port) this.post(port, { kind: 'openConsent', choices });
  }

  // Which runs' log lines to receive ('*' for all); kept across worker restarts.
  watch(runIds: string[]): void {
    this.watching = [...runIds];
    if (this.port) this.post(this.port, { kind: 'watch', runIds: this.watching });
    else this.ensurePort(); // a new port starts by sending the watch list
  }

  onEvent(listener: EventListener): Unsubscribe {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: StatusListener): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  // Opens the port now (the worker then reports the connection status) rather than with the first request.
  open(): void {
    this.ensurePort();
  }

  close(): void {
    const port = this.port;
    this.port = null;
    port?.disconnect();
  }

  private ensurePort(): PortLike | null {
    if (this.port) return this.port;
    let port: PortLike;
    try {
      port = this.connect();
    } catch {
      return null; // "Extension context invalidated": nothing to talk to any more
    }
    this.port = port;
    this.openedAt = this.now();
    port.onMessage.addListener((message) => {
      if (this.port === port) this.onMessage(message);
    });
    port.onDisconnect.addListener(() => {
      if (this.port !== port) return;
      this.port = null;
      const pending = [...this.pending.values()];
      this.pending.clear();
      for (const p of pending) p.reject({ code: errorCode.workerGone, message: 'The extension restarted while waiting for RepoRunner.' });
      // A worker that lived a while was stopped for idling: come back so events keep flowing.
      // One that dropped us at once is not coming back soon; wait for the next request.
      if (this.watching.length > 0 && this.now() - this.openedAt >= 1000) this.watch(this.watching);
    });
    if (this.watching.length > 0) this.post(port, { kind: 'watch', runIds: this.watching });
    return port;
  }

  private post(port: PortLike, message: PageMessage): void {
    try {
      port.postMessage(message);
    } catch {
      if (this.port === port) this.port = null;
      if (message.kind === 'request') {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        p?.reject({ code: errorCode.workerGone, message: 'The extension was reloaded or removed; reload this page.' });
      }
    }
  }

  private onMessage(message: unknown): void {
    if (!isObject(message)) return;
    const m = message as unknown as WorkerMessage;
    if (m.kind === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(m.error);
      else p.resolve(m.result);
    } else if (m.kind === 'event') {
      for (const l of [...this.eventListeners]) l(m.event, m.data);
    } else if (m.kind === 'status') {
      for (const l of [...this.statusListeners]) l(m.status);
    }
  }
}

export function connectToWorker(portName: string): WorkerLink {
  return new WorkerLink(() => chrome.runtime.connect({ name: portName }));
}
