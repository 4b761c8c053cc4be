// The pages (content scripts, the panel frame, popup, options and consent pages) connected to
// the worker: routes their requests to the native client and fans the engine's events out to
// them. Extension pages are trusted; web pages get pagepolicy's short list, for the repository
// their tab shows, and hear only about that repository's runs.
import { errorCode } from '../shared/errors';
import { parseRepoPage, type RepoPage } from '../shared/githuburl';
import { isObject, type Json, type JsonObject, str } from '../shared/json';
import type { ConnectionStatus, PageMessage, RpcError, WorkerMessage } from '../shared/messages';
import type { PortLike } from '../shared/portlike';
import { DetectCache } from './detectcache';
import { contentProblem, namesRun, namesSource, pageRun } from './pagepolicy';

export interface RequestSink {
  request(method: string, params: JsonObject, timeoutMs?: number): Promise<Json>;
  keepSubscribed?(): void;
}

// What extension pages (popup, options, consent) may ask; `subscribe` belongs to the worker,
// which holds one subscription for all.
const pageMethods = new Set(['hello', 'host.status', 'detect', 'plan', 'start', 'stop', 'list', 'get', 'logs', 'openPreview', 'settings']);

// Who is on the other end of a page port, as Chrome reports it (port.sender), not as it claims.
export interface PageOrigin {
  trusted: boolean; // an extension page: popup, options or consent
  // A web page's tab URL as Chrome has it now (chrome.tabs.get): GitHub navigates without
  // reloading, so the URL the port was opened from goes stale.
  tabUrl?: () => string | Promise<string>;
}

// Cloning a repository for detect/plan can take a while; everything else is quick.
const slowMethods: Record<string, number> = { detect: 180_000, plan: 180_000, stop: 180_000, start: 60_000 };

interface Page {
  port: PortLike;
  watching: Set<string>;
  origin: PageOrigin;
  repoKey: string | null; // a web page's repository, as of its last request
}

function refusal(message: string): RpcError {
  return { code: errorCode.needsConsent, message };
}

export class PageHub {
  private readonly pages = new Set<Page>();
  private readonly detections = new DetectCache();
  // Which repository each run seen so far belongs to, so events go only to its pages.
  private readonly runRepos = new Map<string, string | null>();

  constructor(
    private readonly sink: RequestSink,
    private readonly onPagesChanged: (count: number) => void = () => {},
    // Opens the consent page for a web page's repository (chrome.tabs.create).
    private readonly openConsent: (tabUrl: string, choices: JsonObject) => void = () => {},
    // Reads a tab URL as a repository page (the worker adds the granted Enterprise hosts).
    private readonly repoPage: (url: string) => RepoPage | null = (url) => parseRepoPage(url),
  ) {}

  get pageCount(): number {
    return this.pages.size;
  }

  add(port: PortLike, status: ConnectionStatus, origin: PageOrigin = { trusted: false }): void {
    const page: Page = { port, watching: new Set(), origin, repoKey: null };
    this.pages.add(page);
    this.onPagesChanged(this.pages.size);
    this.post(page, { kind: 'status', status });
    port.onMessage.addListener((message) => this.onPageMessage(page, message));
    port.onDisconnect.addListener(() => {
      this.pages.delete(page);
      this.onPagesChanged(this.pages.size);
    });
    if (!origin.trusted) void this.tabPage(page);
  }

  // An engine event. Extension pages get every run's updates and the logs they watch; a web
  // page only its own repository's runs, with what its panel shows.
  dispatchEvent(event: string, data: JsonObject): void {
    const runId = str(data, 'runId');
    if (event === 'run.updated' && isObject(data.run)) this.runRepos.set(runId || str(data.run, 'id'), this.keyOf(data.run));
    for (const page of this.pages) {
      if (event === 'run.log' && !(page.watching.has(runId) || (page.origin.trusted && page.watching.has('*')))) continue;
      if (page.origin.trusted) {
        this.post(page, { kind: 'event', event, data });
        continue;
      }
      if (!runId || page.repoKey === null || this.runRepos.get(runId) !== page.repoKey) continue;
      if (event === 'run.updated') this.post(page, { kind: 'event', event, data: { runId, run: pageRun(data.run) } });
      else if (event === 'run.log' || event === 'run.phase') this.post(page, { kind: 'event', event, data });
    }
  }

  dispatchStatus(status: ConnectionStatus): void {
    for (const page of this.pages) this.post(page, { kind: 'status', status });
  }

  private keyOf(run: Json | undefined): string | null {
    return isObject(run) ? (this.repoPage(str(run, 'source'))?.key ?? null) : null;
  }

  private remember(run: Json | undefined): void {
    if (isObject(run) && str(run, 'id')) this.runRepos.set(str(run, 'id'), this.keyOf(run));
  }

  // The repository the web page's tab shows now, or null.
  private async tabPage(page: Page): Promise<RepoPage | null> {
    let url = '';
    try {
      url = (await page.origin.tabUrl?.()) ?? '';
    } catch {
      url = '';
    }
    const repo = this.repoPage(url);
    page.repoKey = repo?.key ?? null;
    return repo;
  }

  private onPageMessage(page: Page, message: unknown): void {
    if (!isObject(message)) return;
    const m = message as unknown as PageMessage;
    if (m.kind === 'watch' && Array.isArray(m.runIds)) {
      // A web page watches only named runs (never '*'); their lines still go only to the
      // pages of the run's own repository (dispatchEvent).
      const ids = m.runIds.filter((r): r is string => typeof r === 'string' && (page.origin.trusted || r !== '*'));
      page.watching = new Set(ids);
      if (page.watching.size > 0) this.sink.keepSubscribed?.();
      return;
    }
    if (m.kind === 'openConsent') {
      // The repository is the tab's, whatever the message says.
      if (!page.origin.trusted)
        void this.tabUrlOf(page).then((url) => {
          if (this.repoPage(url)) this.openConsent(url, isObject(m.choices) ? (m.choices as unknown as JsonObject) : {});
        });
      return;
    }
    if (m.kind !== 'request' || typeof m.id !== 'number' || typeof m.method !== 'string') return;
    const id = m.id;
    const method = m.method;
    const params: JsonObject = isObject(m.params) ? m.params : {};
    const timeout = typeof m.timeoutMs === 'number' ? m.timeoutMs : slowMethods[method];
    const reply = page.origin.trusted ? this.trustedRequest(method, params, timeout) : this.webRequest(page, method, params, timeout);
    reply.then(
      (result) => this.post(page, { kind: 'response', id, result }),
      (error: RpcError) => this.post(page, { kind: 'response', id, error }),
    );
  }

  private async tabUrlOf(page: Page): Promise<string> {
    try {
      return (await page.origin.tabUrl?.()) ?? '';
    } catch {
      return '';
    }
  }

  private call(method: string, params: JsonObject, timeout: number | undefined): Promise<Json> {
    const call = () => this.sink.request(method, params, timeout);
    return method === 'detect' ? this.detections.get(JSON.stringify(params), call) : call();
  }

  private trustedRequest(method: string, params: JsonObject, timeout: number | undefined): Promise<Json> {
    if (!pageMethods.has(method)) return Promise.reject({ code: 'extension.bad_method', message: `Pages cannot call "${method}".` });
    return this.call(method, params, timeout).then((result) => {
      if (isObject(result)) {
        this.remember(result.run);
        if (Array.isArray(result.runs)) for (const r of result.runs) this.remember(r);
      }
      return result;
    });
  }

  private async webRequest(page: Page, method: string, params: JsonObject, timeout: number | undefined): Promise<Json> {
    const problem = contentProblem(method, params);
    if (problem) throw refusal(problem);
    const repo = await this.tabPage(page);
    if (!repo) throw refusal('RepoRunner answers a web page only about the repository its tab shows.');
    if (namesSource(method)) {
      // Rebuilt from the tab's own URL: a page cannot name another repository, a mirror or a path.
      return this.call(method, { ...params, source: repo.source }, timeout);
    }
    if (namesRun(method)) {
      const runId = str(params, 'runId');
      if (!this.runRepos.has(runId)) {
        const known = await this.sink.request('get', { runId });
        this.remember(isObject(known) ? known.run : undefined);
      }
      if (this.runRepos.get(runId) !== repo.key) throw refusal('A web page can only follow and stop runs of the repository it shows.');
    }
    const result = await this.call(method, params, timeout);
    if (!isObject(result)) return result;
    if (method === 'list' && Array.isArray(result.runs)) {
      for (const r of result.runs) this.remember(r);
      return { runs: result.runs.filter((r) => this.keyOf(r) === repo.key).map(pageRun) };
    }
    if ('run' in result) {
      this.remember(result.run);
      return { ...result, run: pageRun(result.run) };
    }
    return result;
  }

  private post(page: Page, message: WorkerMessage): void {
    try {
      page.port.postMessage(message);
    } catch {
      this.pages.delete(page); // the page went away between its disconnect and our send
    }
  }
}
