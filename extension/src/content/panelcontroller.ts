// Runs the panel for one repository page: asks the engine for the plan, starts and stops
// the run, and feeds the engine's events into the panel's state.
import type { FriendlyError } from '../shared/errors';
import type { RepoPage } from '../shared/githuburl';
import type { ConnectionStatus, Unsubscribe } from '../shared/messages';
import { errorFromUnknown, initialPanelState, type PanelAction, type PanelState, reducePanel, type RuntimeChoice } from '../shared/panelstate';
import { asObject, type Detection, isTerminal, type LogLine, parseLogLines, parsePlan, parseRun, parseRuns, type RunInfo } from '../shared/run';
import type { WorkerLink } from '../shared/workerlink';
import { PanelView } from './panelview';

const runtimeKey = 'reporunner.runtime';

export class PanelController {
  private state: PanelState;
  private readonly view: PanelView;
  private readonly unsubscribe: Unsubscribe[] = [];
  private closed = false;

  constructor(
    private readonly link: WorkerLink,
    page: RepoPage,
    detection: Detection | null,
    connection: ConnectionStatus,
    error: FriendlyError | null,
    private readonly onClosed: () => void,
  ) {
    this.state = initialPanelState(page);
    this.state = reducePanel(this.state, { type: 'connection', status: connection });
    if (detection) this.state = reducePanel(this.state, { type: 'detected', detection });
    if (error) this.state = reducePanel(this.state, { type: 'failed', error });
    this.view = new PanelView({
      close: () => this.close(),
      chooseMode: (mode) => {
        this.dispatch({ type: 'chooseMode', mode });
        void this.plan();
      },
      choosePrimary: (service) => this.dispatch({ type: 'choosePrimary', service }),
      chooseRuntime: (runtime) => {
        this.dispatch({ type: 'chooseRuntime', runtime });
        void chrome.storage.local.set({ [runtimeKey]: runtime }).catch(() => {});
      },
      start: () => void this.start(),
      stop: () => void this.stop(),
      runAgain: () => {
        this.dispatch({ type: 'reset' });
        this.link.watch([]);
        void this.plan();
      },
      retry: () => void this.load(),
      selectLog: (service) => this.dispatch({ type: 'selectLog', service }),
    });
    this.unsubscribe.push(
      link.onEvent((event, data) => this.dispatch({ type: 'event', event, data })),
      link.onStatus((status) => this.dispatch({ type: 'connection', status })),
    );
    this.view.render(this.state);
  }

  get page(): RepoPage {
    return this.state.page;
  }

  get panelState(): PanelState {
    return this.state;
  }

  // Finds this repository's active run (started here, in another tab or from the CLI) or
  // prepares a new one.
  async load(): Promise<void> {
    this.dispatch({ type: 'planning' });
    void chrome.storage.local
      .get(runtimeKey)
      .then((stored) => {
        const r = stored[runtimeKey];
        if (r === 'auto' || r === 'docker' || r === 'kubernetes') this.dispatch({ type: 'chooseRuntime', runtime: r as RuntimeChoice });
      })
      .catch(() => {});
    try {
      const runs = parseRuns(await this.link.request('list'));
      const mine = runs
        .filter((r) => !isTerminal(r.state) && this.isThisRepository(r))
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
      const active = mine[0];
      if (active) {
        await this.attach(active);
        return;
      }
    } catch (e) {
      this.dispatch({ type: 'failed', error: errorFromUnknown(e) });
      return;
    }
    await this.plan();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe) u();
    this.link.watch([]);
    this.view.destroy();
    this.onClosed();
  }

  private isThisRepository(run: RunInfo): boolean {
    const page = this.state.page;
    if (run.source === page.source) return true;
    return `${run.owner}/${run.repo}`.toLowerCase() === page.key && /^https:\/\/(www\.)?github\.com\//i.test(run.source);
  }

  private async plan(): Promise<void> {
    this.dispatch({ type: 'planning' });
    const options: Record<string, string> = {};
    if (this.state.mode) options.mode = this.state.mode;
    try {
      const plan = parsePlan(await this.link.request('plan', { source: this.state.page.source, options }));
      if (!plan) throw { code: 'extension.bad_reply', message: 'The engine sent a plan the extension cannot read.' };
      this.dispatch({ type: 'planned', plan });
    } catch (e) {
      this.dispatch({ type: 'failed', error: errorFromUnknown(e) });
    }
  }

  private async start(): Promise<void> {
    if (this.state.busy) return;
    this.dispatch({ type: 'starting' });
    const options: Record<string, string> = { runtime: this.state.runtime, idempotencyKey: crypto.randomUUID() };
    if (this.state.mode) options.mode = this.state.mode;
    if (this.state.primary) options.primary = this.state.primary;
    try {
      const reply = asObject(await this.link.request('start', { source: this.state.page.source, options }));
      const run = parseRun(reply?.run);
      if (!run) throw { code: 'extension.bad_reply', message: 'The engine did not say which run it started.' };
      await this.attach(run);
    } catch (e) {
      this.dispatch({ type: 'failed', error: errorFromUnknown(e) });
    }
  }

  private async attach(run: RunInfo): Promise<void> {
    this.dispatch({ type: 'attached', run });
    this.link.watch([run.id]);
    // Lines written before we watched: read them from the store, newest pages last.
    try {
      const lines: LogLine[] = [];
      let from = 0;
      for (let page = 0; page < 10; page++) {
        const reply = asObject(await this.link.request('logs', { runId: run.id, from, count: 1000 }));
        const batch = parseLogLines(reply?.lines);
        lines.push(...batch);
        if (batch.length < 1000) break;
        from = batch.at(-1)?.id ?? from; // the engine returns lines with id > from
      }
      this.dispatch({ type: 'logHistory', runId: run.id, lines });
      // The run may have moved on while we read; an explicit get closes that gap.
      const current = parseRun(asObject(await this.link.request('get', { runId: run.id }))?.run);
      if (current) this.dispatch({ type: 'runUpdated', run: current });
    } catch {
      // The log history is a nicety; live lines still arrive.
    }
  }

  private async stop(): Promise<void> {
    const run = this.state.run;
    if (!run || this.state.busy === 'stopping') return;
    this.dispatch({ type: 'stopping' });
    try {
      const reply = asObject(await this.link.request('stop', { runId: run.id }));
      const stopped = parseRun(reply?.run);
      if (stopped) this.dispatch({ type: 'runUpdated', run: stopped });
    } catch (e) {
      this.dispatch({ type: 'failed', error: errorFromUnknown(e) });
    }
  }

  private dispatch(action: PanelAction): void {
    if (this.closed) return;
    const next = reducePanel(this.state, action);
    if (next === this.state) return;
    this.state = next;
    this.view.render(next);
  }
}
