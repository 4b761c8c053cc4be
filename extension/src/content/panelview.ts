// Draws the panel from a PanelState. Owns no state: every control calls back to the controller.
import { h } from '../shared/dom';
import { describeRepoPage } from '../shared/githuburl';
import { formatDuration, logTabs, type Mode, type PanelState, phaseRows, type RuntimeChoice } from '../shared/panelstate';
import { describeDetection, isTerminal } from '../shared/run';
import { panelCss } from './panelstyle';

export interface PanelCallbacks {
  close(): void;
  chooseMode(mode: Mode): void;
  choosePrimary(service: string): void;
  chooseRuntime(runtime: RuntimeChoice): void;
  start(): void;
  stop(): void;
  runAgain(): void;
  retry(): void;
  selectLog(service: string): void;
}

export class PanelView {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly body: HTMLElement;
  private logFollow = true;

  constructor(private readonly cb: PanelCallbacks) {
    this.host = document.createElement('reporunner-panel');
    this.host.dataset.rr = 'panel-host';
    // Open, so tests (and curious users' dev tools) can look inside.
    this.root = this.host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = panelCss;
    this.body = h('div', { class: 'panel', rr: 'panel' });
    this.root.append(style, this.body);
    document.documentElement.append(this.host);
  }

  destroy(): void {
    this.host.remove();
  }

  render(state: PanelState): void {
    const oldLog = this.root.querySelector<HTMLElement>('pre.log');
    if (oldLog) this.logFollow = oldLog.scrollTop + oldLog.clientHeight >= oldLog.scrollHeight - 8;
    this.body.replaceChildren(...this.sections(state).filter((n): n is HTMLElement => n !== null));
    const log = this.root.querySelector<HTMLElement>('pre.log');
    if (log && this.logFollow) log.scrollTop = log.scrollHeight;
  }

  private sections(s: PanelState): (HTMLElement | null)[] {
    // Before the app has answered anything there is nothing to set up: the error says what to do.
    const blocked = !!s.error && !s.plan && !s.planning && !s.detection;
    return [this.header(s), this.errorBox(s), s.run || blocked ? null : this.setup(s), s.run ? this.runSection(s) : null, s.run ? this.logSection(s) : null];
  }

  private header(s: PanelState): HTMLElement {
    const ref = s.run?.ref || s.plan?.ref || '';
    const commit = (s.run?.commit || s.plan?.commit || s.detection?.commit || '').slice(0, 12);
    const conn = s.connection.state === 'connected' ? null : h('span', { class: 'muted', rr: 'connection' }, s.connection.state === 'failed' ? 'not connected' : s.connection.state === 'connecting' ? 'connecting…' : '');
    return h(
      'div',
      {},
      h('header', {}, h('span', { class: 'title', rr: 'repo' }, `▶ ${describeRepoPage(s.page)}`), conn, h('button', { class: 'close', title: 'Close', rr: 'close', onClick: () => this.cb.close() }, '×')),
      ref || commit
        ? h('section', { rr: 'revision' }, h('span', { class: 'muted' }, 'ref '), h('code', {}, ref || '(default branch)'), h('span', { class: 'muted' }, ' · commit '), h('code', { rr: 'commit' }, commit || '…'))
        : null,
    );
  }

  private errorBox(s: PanelState): HTMLElement | null {
    const e = s.error;
    if (!e) return null;
    return h(
      'div',
      { class: 'error', rr: 'error' },
      h('div', { class: 'what', rr: 'error-title' }, e.title),
      e.action ? h('div', { class: 'todo', rr: 'error-action' }, e.action) : null,
      e.detail && e.detail !== e.title ? h('div', { class: 'detail mono' }, e.detail) : null,
      s.run ? null : h('div', { class: 'row', rr: 'retry-row' }, h('button', { class: 'btn', rr: 'retry', onClick: () => this.cb.retry() }, 'Try again')),
    );
  }

  private setup(s: PanelState): HTMLElement {
    const d = s.detection;
    const both = d ? d.compose && d.dockerfile : false;
    const plan = s.plan;
    const mode = s.mode ?? plan?.mode ?? d?.defaultMode ?? null;
    const modeRow = both
      ? h(
          'div',
          { class: 'row', rr: 'mode' },
          ...(['compose', 'dockerfile'] as const).map((m) =>
            h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'rr-mode', value: m, checked: mode === m, onChange: () => this.cb.chooseMode(m) }), m === 'compose' ? 'Compose' : 'Dockerfile'),
          ),
        )
      : h('div', { rr: 'mode' }, mode === 'dockerfile' ? 'Dockerfile' : mode === 'compose' ? 'Compose' : '…');
    const services = plan
      ? h(
          'ul',
          { class: 'plain', rr: 'services' },
          ...plan.services.map((svc) =>
            h(
              'li',
              {},
              h(
                'label',
                { class: 'choice' },
                h('input', { type: 'radio', name: 'rr-primary', value: svc.name, checked: s.primary === svc.name, onChange: () => this.cb.choosePrimary(svc.name) }),
                h('span', { class: 'mono' }, svc.name),
                s.primary === svc.name ? h('span', { class: 'badge primary' }, 'primary') : null,
                h('span', { class: 'muted' }, svc.build ? 'built from source' : svc.image),
              ),
            ),
          ),
        )
      : h('div', { class: 'muted', rr: 'services' }, s.planning ? 'Reading the project…' : '');
    const refusals = plan?.refused
      ? h('div', { class: 'error', rr: 'refusals' }, h('div', { class: 'what' }, 'The sandbox policy refuses parts of this project:'), h('ul', {}, ...plan.refusals.map((r) => h('li', {}, r))), h('div', { class: 'todo' }, 'Run it from the RepoRunner app or `reporunner run --allow-unsafe` if you trust it.'))
      : null;
    const runtime = h(
      'select',
      { rr: 'runtime', onChange: (e) => this.cb.chooseRuntime((e.target as HTMLSelectElement).value as RuntimeChoice) },
      ...([
        ['auto', 'Automatic (kind/Kubernetes, else Docker)'],
        ['kubernetes', 'kind / Kubernetes'],
        ['docker', 'Docker'],
      ] as const).map(([value, label]) => h('option', { value, selected: s.runtime === value }, label)),
    );
    const canStart = !!plan && !plan.refused && !s.planning && s.busy === null;
    return h(
      'div',
      {},
      h('section', {}, h('h3', {}, 'Detected'), h('div', { rr: 'detection' }, d ? describeDetection(d) : 'not checked yet')),
      h('section', {}, h('h3', {}, 'Mode'), modeRow),
      h('section', {}, h('h3', {}, 'Services'), services, refusals),
      h('section', {}, h('h3', {}, 'Runtime'), runtime),
      h('section', {}, h('button', { class: 'btn go', rr: 'start', disabled: !canStart, onClick: () => this.cb.start() }, s.busy === 'starting' ? 'Starting…' : 'Start')),
    );
  }

  private runSection(s: PanelState): HTMLElement | null {
    const run = s.run;
    if (!run) return null;
    const rows = phaseRows(run);
    const phases = h(
      'ol',
      { class: 'phases', rr: 'phases' },
      ...rows.map((r) =>
        h(
          'li',
          { class: r.status, rr: `phase-${r.phase}` },
          h('span', {}, h('span', { class: 'mark' }), r.phase),
          h('span', { class: 'muted' }, r.durationMs !== undefined ? formatDuration(r.durationMs) : r.progress !== undefined ? `${Math.round(r.progress * 100)} %` : r.status === 'active' ? '…' : r.status === 'skipped' ? 'skipped' : ''),
        ),
      ),
    );
    const previews = run.endpoints.filter((e) => e.url);
    const previewList =
      previews.length > 0
        ? h(
            'ul',
            { class: 'plain', rr: 'previews' },
            ...previews.map((e) =>
              h(
                'li',
                {},
                h('span', { class: 'mono' }, `${e.service}:${e.containerPort} `),
                run.state === 'READY' ? h('a', { href: e.url, target: '_blank', rr: e.primary ? 'preview-primary' : 'preview' }, e.url) : h('span', { class: 'muted' }, e.url),
                e.primary ? h('span', { class: 'badge primary' }, 'primary') : null,
              ),
            ),
          )
        : null;
    const services =
      run.services.length > 0
        ? h('ul', { class: 'plain', rr: 'service-states' }, ...run.services.map((svc) => h('li', {}, h('span', { class: 'mono' }, svc.service), ` ${svc.state}`, svc.restarts > 0 ? ` · ${svc.restarts} restarts` : '', svc.detail ? h('span', { class: 'muted' }, ` · ${svc.detail}`) : null)))
        : null;
    const diagnosis = run.diagnosis
      ? h(
          'div',
          { class: 'error', rr: 'diagnosis' },
          h('div', { class: 'what' }, `Failed while ${run.diagnosis.phase.toLowerCase()}${run.diagnosis.service ? ` (${run.diagnosis.service})` : ''}`),
          h('div', { class: 'todo' }, run.diagnosis.summary),
          run.diagnosis.lastLines.length > 0 ? h('pre', { class: 'log' }, run.diagnosis.lastLines.join('\n')) : null,
        )
      : null;
    const terminal = isTerminal(run.state);
    const actions = h(
      'div',
      { class: 'row' },
      !terminal ? h('button', { class: 'btn danger', rr: 'stop', disabled: s.busy === 'stopping' || run.state === 'STOPPING', onClick: () => this.cb.stop() }, s.busy === 'stopping' || run.state === 'STOPPING' ? 'Stopping…' : 'Stop') : null,
      run.state === 'READY' && run.previewUrl ? h('a', { href: run.previewUrl, target: '_blank', rr: 'open-preview' }, 'Open preview') : null,
      terminal ? h('button', { class: 'btn', rr: 'run-again', onClick: () => this.cb.runAgain() }, 'New run…') : null,
    );
    const stopped = run.state === 'STOPPED' ? h('div', { rr: 'stopped-note' }, 'Stopped: everything this run created was removed.') : null;
    return h(
      'div',
      {},
      h(
        'section',
        {},
        h('div', { class: 'row' }, h('span', { class: `badge state ${run.state}`, rr: 'state' }, run.state), h('span', { class: 'muted' }, 'run ', h('code', { rr: 'run-id' }, run.id), ` · ${run.mode} · ${run.runtime}`)),
      ),
      h('section', {}, h('h3', {}, 'Phases'), phases),
      services ? h('section', {}, h('h3', {}, 'Services'), services) : null,
      previewList ? h('section', {}, h('h3', {}, 'Preview'), previewList) : null,
      diagnosis ? h('section', {}, diagnosis) : null,
      h('section', {}, actions, stopped),
    );
  }

  private logSection(s: PanelState): HTMLElement {
    const tabs = logTabs(s);
    const selected = tabs.some((t) => t.service === s.selectedLog) ? s.selectedLog : '';
    const lines = s.logs[selected] ?? [];
    const pre = h('pre', { class: 'log', rr: 'log' });
    for (const l of lines) pre.append(h('span', { class: l.stream }, `${l.text}\n`));
    if (lines.length === 0) pre.textContent = 'No output yet.';
    return h(
      'section',
      { rr: 'logs' },
      h('h3', {}, 'Logs'),
      h('div', { class: 'tabs' }, ...tabs.map((t) => h('button', { class: t.service === selected ? 'on' : '', rr: `log-tab-${t.label}`, onClick: () => this.cb.selectLog(t.service) }, `${t.label}${t.count ? ` (${t.count})` : ''}`))),
      pre,
    );
  }
}
