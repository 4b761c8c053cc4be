// The pages (content scripts, popup) connected to the worker: routes their requests to the
// native client and fans the engine's events out to them.
import { isObject, type Json, type JsonObject, str } from '../shared/json';
import type { ConnectionStatus, PageMessage, RpcError, WorkerMessage } from '../shared/messages';
import type { PortLike } from '../shared/portlike';
import { DetectCache } from './detectcache';

export interface RequestSink {
  request(method: string, params: JsonObject, timeoutMs?: number): Promise<Json>;
  keepSubscribed?(): void;
}

// What pages may ask; `subscribe` belongs to the worker, which holds one subscription for all.
const pageMethods = new Set(['hello', 'detect', 'plan', 'start', 'stop', 'list', 'get', 'logs', 'openPreview', 'settings']);

// Cloning a repository for detect/plan can take a while; everything else is quick.
const slowMethods: Record<string, number> = { detect: 180_000, plan: 180_000, stop: 180_000, start: 60_000 };

interface Page {
  port: PortLike;
  watching: Set<string>;
}

export class PageHub {
  private readonly pages = new Set<Page>();
  private readonly detections = new DetectCache();

  constructor(
    private readonly sink: RequestSink,
    private readonly onPagesChanged: (count: number) => void = () => {},
  ) {}

  get pageCount(): number {
    return this.pages.size;
  }

  add(port: PortLike, status: ConnectionStatus): void {
    const page: Page = { port, watching: new Set() };
    this.pages.add(page);
    this.onPagesChanged(this.pages.size);
    this.post(page, { kind: 'status', status });
    port.onMessage.addListener((message) => this.onPageMessage(page, message));
    port.onDisconnect.addListener(() => {
      this.pages.delete(page);
      this.onPagesChanged(this.pages.size);
    });
  }

  // An engine event: run logs go to the pages watching that run, everything else to all.
  dispatchEvent(event: string, data: JsonObject): void {
    const runId = str(data, 'runId');
    for (const page of this.pages) {
      if (event === 'run.log' && !(page.watching.has(runId) || page.watching.has('*'))) continue;
      this.post(page, { kind: 'event', event, data });
    }
  }

  dispatchStatus(status: ConnectionStatus): void {
    for (const page of this.pages) this.post(page, { kind: 'status', status });
  }

  private onPageMessage(page: Page, message: unknown): void {
    if (!isObject(message)) return;
    const m = message as unknown as PageMessage;
    if (m.kind === 'watch' && Array.isArray(m.runIds)) {
      page.watching = new Set(m.runIds.filter((r): r is string => typeof r === 'string'));
      if (page.watching.size > 0) this.sink.keepSubscribed?.();
      return;
    }
    if (m.kind !== 'request' || typeof m.id !== 'number' || typeof m.method !== 'string') return;
    const id = m.id;
    const params: JsonObject = isObject(m.params) ? m.params : {};
    if (!pageMethods.has(m.method)) {
      this.post(page, { kind: 'response', id, error: { code: 'extension.bad_method', message: `Pages cannot call "${m.method}".` } });
      return;
    }
    const timeout = typeof m.timeoutMs === 'number' ? m.timeoutMs : slowMethods[m.method];
    const call = () => this.sink.request(m.method, params, timeout);
    const reply =
      m.method === 'detect' ? this.detections.get(JSON.stringify(params), call) : call();
    reply.then(
      (result) => this.post(page, { kind: 'response', id, result }),
      (error: RpcError) => this.post(page, { kind: 'response', id, error }),
    );
  }

  private post(page: Page, message: WorkerMessage): void {
    try {
      page.port.postMessage(message);
    } catch {
      this.pages.delete(page); // the page went away between its disconnect and our send
    }
  }
}
