// The pages (content scripts, popup) connected to the worker: routes their requests to the
// native client and fans the engine's events out to them.
import { errorCode } from '../shared/errors';
import { isObject, type Json, type JsonObject, obj, str } from '../shared/json';
import type { ConnectionStatus, PageMessage, RpcError, WorkerMessage } from '../shared/messages';
import type { PortLike } from '../shared/portlike';
import { DetectCache } from './detectcache';

export interface RequestSink {
  request(method: string, params: JsonObject, timeoutMs?: number): Promise<Json>;
  keepSubscribed?(): void;
}

// What extension pages (popup, options, consent) may ask; `subscribe` belongs to the worker,
// which holds one subscription for all.
const pageMethods = new Set(['hello', 'host.status', 'detect', 'plan', 'start', 'stop', 'list', 'get', 'logs', 'openPreview', 'settings']);
// What a content script on a web page may ask: never settings, and never options that need
// the user's consent (see untrustedProblem).
const contentMethods = new Set(['hello', 'detect', 'plan', 'start', 'stop', 'list', 'get', 'logs']);

// Who is on the other end of a page port, as Chrome reports it (port.sender), not as it claims.
export interface PageOrigin {
  trusted: boolean; // an extension page: popup, options or consent
  tabUrl?: string; // a content script's tab
}

// Cloning a repository for detect/plan can take a while; everything else is quick.
const slowMethods: Record<string, number> = { detect: 180_000, plan: 180_000, stop: 180_000, start: 60_000 };

interface Page {
  port: PortLike;
  watching: Set<string>;
  origin: PageOrigin;
}

// Why a content script's request is refused, or null. Web pages can be scripted by others, so
// they may not ask for unsafe runs, set values or name anything but a repository on their own host.
function untrustedProblem(method: string, params: JsonObject, origin: PageOrigin): string | null {
  if (!contentMethods.has(method)) return `Web pages cannot call "${method}".`;
  const options = obj(params, 'options');
  if (options && ('allowUnsafe' in options || 'values' in options || 'offline' in options))
    return 'Unsafe options and values can only be set from a RepoRunner extension page.';
  const source = str(params, 'source');
  if (source) {
    let host = '';
    try {
      const url = new URL(source);
      host = url.protocol === 'https:' ? url.host : '';
    } catch {
      host = '';
    }
    let tabHost = '';
    try {
      tabHost = new URL(origin.tabUrl ?? '').host;
    } catch {
      tabHost = '';
    }
    if (!host || host !== tabHost) return 'A web page can only ask about repositories on its own site.';
  }
  return null;
}

export class PageHub {
  private readonly pages = new Set<Page>();
  private readonly detections = new DetectCache();

  constructor(
    private readonly sink: RequestSink,
    private readonly onPagesChanged: (count: number) => void = () => {},
    // Opens the consent page for a content script's repository (chrome.tabs.create).
    private readonly openConsent: (tabUrl: string, choices: JsonObject) => void = () => {},
  ) {}

  get pageCount(): number {
    return this.pages.size;
  }

  add(port: PortLike, status: ConnectionStatus, origin: PageOrigin = { trusted: false }): void {
    const page: Page = { port, watching: new Set(), origin };
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
    if (m.kind === 'openConsent') {
      // The repository is the tab's, whatever the message says.
      if (!page.origin.trusted && page.origin.tabUrl) this.openConsent(page.origin.tabUrl, isObject(m.choices) ? (m.choices as unknown as JsonObject) : {});
      return;
    }
    if (m.kind !== 'request' || typeof m.id !== 'number' || typeof m.method !== 'string') return;
    const id = m.id;
    const params: JsonObject = isObject(m.params) ? m.params : {};
    if (!pageMethods.has(m.method)) {
      this.post(page, { kind: 'response', id, error: { code: 'extension.bad_method', message: `Pages cannot call "${m.method}".` } });
      return;
    }
    const problem = page.origin.trusted ? null : untrustedProblem(m.method, params, page.origin);
    if (problem) {
      this.post(page, { kind: 'response', id, error: { code: errorCode.needsConsent, message: problem } });
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
