// Runs the panel for one repository page: asks the engine for the plan, starts and stops
// the run, and feeds the engine's events into the panel's state.
import type { FriendlyError } from '../shared/errors';
import type { RepoPage } from '../shared/githuburl';
import type { ConnectionStatus, Unsubscribe } from '../shared/messages';
import { effectiveMode, errorFromUnknown, initialPanelState, type PanelAction, type PanelState, planKey, reducePanel } from '../shared/panelstate';
import { choiceOptions, loadChoices, saveChoices } from '../shared/planchoices';
import { asObject, type Detection, isTerminal, type LogLine, parseLogLines, parsePlan, parseRun, parseRuns, type RunInfo } from '../shared/run';
import type { WorkerLink } from '../shared/workerlink';
import { PanelView } from './panelview';

export class PanelController {
  private state: PanelState;
  private readonly view: PanelView;
  private readonly unsubscribe: Unsubscribe[] = [];
  private closed = false;
  private planSeq = 0; // replies to older plan requests are dropped

  constructor(
    private readonly link: WorkerLink,
    page: RepoPage,
    detection: Detection | null,
    connection: ConnectionStatus,
    error: FriendlyError | null,
    private readonly onClosed: () => void,
    embedded = false, // in the panel's own frame (src/panel) rather than a shadow root
  ) {
    this.state = initialPanelState(page);
    this.state = reducePanel(this.state, { type: 'connection', status: connection });
    if (detection) this.state = reducePanel(this.state, { type: 'detected', detection });
    if (error) this.state = reducePanel(this.state, { type: 'failed', error });
    this.view = new PanelView({
      close: () => this.close(),
      chooseMode: (mode) => this.choose({ type: 'chooseMode', mode }, true),
      choosePrimary: (service) => this.choose({ type: 'choosePrimary', service }, false),
      chooseRuntime: (runtime) => this.choose({ type: 'chooseRuntime', runtime }, true),
      toggleProfile: (profile) => this.choose({ type: 'toggleProfile', profile }, true),
      toggleService: (service) => this.choose({ type: 'toggleService', service }, true),
      review: () => this.link.openConsent(this.state.choices),
      start: () => void this.start(),
      stop: () => void this.stop(),
      runAgain: () => {
        this.dispatch({ type: 'reset' });
        this.link.watch([]);
        void this.plan();
      },
      retry: () => void this.load(),
      selectLog: (service) => this.dispatch({ type: 'selectLog', service }),
    }, embedded);
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
    this.dispatch({ type: 'restoreChoices', choices: await loadChoices(chrome.storage.local, this.state.page.key) });
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

  // A choice changed: remember it for this repository, and plan again when it changes what runs.
  private choose(action: PanelAction, replan: boolean): void {
    this.dispatch(action);
    void saveChoices(chrome.storage.local, this.state.page.key, this.state.choices).catch(() => {});
    if (replan) void this.plan();
  }

  private async plan(): Promise<void> {
    const seq = ++this.planSeq;
    this.dispatch({ type: 'planning' });
    const options = { ...choiceOptions(this.state.choices, effectiveMode(this.state)), runtime: this.state.choices.runtime };
    const key = planKey(this.state);
    try {
      const plan = parsePlan(await this.link.request('plan', { source: this.state.page.source, options }));
      if (seq !== this.planSeq) return;
      if (!plan) throw { code: 'extension.bad_reply', message: 'The engine sent a plan the extension cannot read.' };
      this.dispatch({ type: 'planned', plan, key });
    } catch (e) {
      if (seq === this.planSeq) this.dispatch({ type: 'failed', error: errorFromUnknown(e) });
    }
  }

  private async start(): Promise<void> {
    if (this.state.busy) return;
    this.dispatch({ type: 'starting' });
    const options = { ...choiceOptions(this.state.choices, effectiveMode(this.state)), runtime: this.state.choices.runtime, idempotencyKey: crypto.randomUUID() };
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
