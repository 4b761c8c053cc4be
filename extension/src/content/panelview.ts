// Draws the panel from a PanelState. Owns no state: every control calls back to the controller.
import { h } from '../shared/dom';
import { describeRepoPage } from '../shared/githuburl';
import { effectiveMode, formatDuration, logTabs, type Mode, type PanelState, phaseRows, planIsStale, plannedServices, type RuntimeChoice } from '../shared/panelstate';
import { enabledServices, neededBy } from '../shared/planchoices';
import { describeDetection, describeReportLine, describeRunsOn, isTerminal } from '../shared/run';
import { panelCss } from './panelstyle';

export interface PanelCallbacks {
  close(): void;
  chooseMode(mode: Mode): void;
  choosePrimary(service: string): void;
  chooseRuntime(runtime: RuntimeChoice): void;
  toggleProfile(profile: string): void;
  toggleService(service: string): void;
  review(): void; // open the extension page that can allow what the sandbox refuses
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

  constructor(
    private readonly cb: PanelCallbacks,
    embedded = false, // fills the panel's own extension frame instead of floating over a page
  ) {
    this.host = document.createElement('reporunner-panel');
    this.host.dataset.rr = 'panel-host';
    // Closed: the page's scripts must not reach in (in the frame nothing else runs anyway).
    this.root = this.host.attachShadow({ mode: embedded ? 'open' : 'closed' });
    const style = document.createElement('style');
    style.textContent = panelCss;
    this.body = h('div', { class: embedded ? 'panel embedded' : 'panel', rr: 'panel' });
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
    const mode = effectiveMode(s);
    const modeRow = both
      ? h(
          'div',
          { class: 'row', rr: 'mode' },
          ...(['compose', 'dockerfile'] as const).map((m) =>
            h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'rr-mode', value: m, rr: `mode-${m}`, checked: mode === m, onChange: () => this.cb.chooseMode(m) }), m === 'compose' ? 'Compose' : 'Dockerfile'),
          ),
        )
      : h('div', { rr: 'mode' }, mode === 'dockerfile' ? 'Dockerfile' : mode === 'compose' ? 'Compose' : '…');
    const compose = mode === 'compose' && !!plan && plan.catalog.length > 0;
    const profiles =
      compose && plan.profiles.length > 0
        ? h(
            'section',
            {},
            h('h3', {}, 'Profiles'),
            h(
              'div',
              { class: 'row', rr: 'profiles' },
              ...plan.profiles.map((p) =>
                h('label', { class: 'choice' }, h('input', { type: 'checkbox', rr: `profile-${p}`, checked: s.choices.profiles.includes(p), onChange: () => this.cb.toggleProfile(p) }), h('span', { class: 'mono' }, p)),
              ),
            ),
          )
        : null;
    const running = plannedServices(s);
    const services = !plan
      ? h('div', { class: 'muted', rr: 'services' }, s.planning ? 'Reading the project…' : '')
      : compose
        ? this.composeServices(s, running)
        : h('ul', { class: 'plain', rr: 'services' }, ...plan.services.map((svc) => this.serviceRow(s, svc.name, svc.build ? 'built from source' : svc.image, null)));
    const adapted = plan?.notes.filter((n) => n.status !== 'refused') ?? [];
    const report =
      adapted.length > 0
        ? h('details', { rr: 'report-adapted' }, h('summary', {}, `Adapted for the sandbox (${adapted.length})`), h('ul', {}, ...adapted.map((n) => h('li', {}, `${n.status}: ${describeReportLine(n)}`))))
        : null;
    const refusals = plan?.refused
      ? h(
          'div',
          { class: 'error', rr: 'refusals' },
          h('div', { class: 'what' }, 'The sandbox policy refuses parts of this project:'),
          h('ul', {}, ...plan.refusals.map((r) => h('li', {}, r))),
          // Consent never happens in a web page: only an extension page can allow these.
          h('div', { class: 'row' }, h('button', { class: 'btn', rr: 'review', onClick: () => this.cb.review() }, 'Review in RepoRunner…'), h('span', { class: 'muted' }, 'opens an extension page where you can allow them for one run')),
        )
      : null;
    const runtime = h(
      'select',
      { rr: 'runtime', onChange: (e) => this.cb.chooseRuntime((e.target as HTMLSelectElement).value as RuntimeChoice) },
      ...([
        ['auto', 'Automatic (kind/Kubernetes, else Docker)'],
        ['kubernetes', 'kind / Kubernetes'],
        ['docker', 'Docker'],
      ] as const).map(([value, label]) => h('option', { value, selected: s.choices.runtime === value }, label)),
    );
    const canStart = !!plan && !plan.refused && !s.planning && s.busy === null && running.length > 0 && !planIsStale(s);
    return h(
      'div',
      {},
      h('section', {}, h('h3', {}, 'Detected'), h('div', { rr: 'detection' }, d ? describeDetection(d) : 'not checked yet')),
      h('section', {}, h('h3', {}, 'Mode'), modeRow),
      profiles,
      h('section', {}, h('h3', {}, 'Services'), services, report, refusals),
      h('section', {}, h('h3', {}, 'Runtime'), runtime, plan?.runsOn ? h('div', { class: plan.runsOn.runtime ? 'muted' : 'error', rr: 'runs-on' }, describeRunsOn(plan.runsOn)) : null),
      h('section', {}, h('button', { class: 'btn go', rr: 'start', disabled: !canStart, onClick: () => this.cb.start() }, s.busy === 'starting' ? 'Starting…' : s.planning ? 'Planning…' : `Start ${running.length} service${running.length === 1 ? '' : 's'}`)),
    );
  }

  // Compose: a checkbox per service the profiles enable; what a pick pulls in is marked, and
  // the primary is chosen among what will run. Nothing picked runs every enabled service.
  private composeServices(s: PanelState, running: string[]): HTMLElement {
    const catalog = s.plan?.catalog ?? [];
    const picked = s.choices.services;
    return h(
      'ul',
      { class: 'plain', rr: 'services' },
      ...enabledServices(catalog, s.choices.profiles).map((svc) => {
        const runs = running.includes(svc.name);
        const by = picked.includes(svc.name) ? [] : neededBy(catalog, picked, svc.name);
        const note = by.length > 0 ? `needed by ${by.join(', ')}` : svc.profiles.length > 0 ? `profile ${svc.profiles.join(', ')}` : '';
        const pick = h('input', { type: 'checkbox', rr: `pick-${svc.name}`, title: 'Run only the picked services and what they need', checked: picked.includes(svc.name), onChange: () => this.cb.toggleService(svc.name) });
        return this.serviceRow(s, svc.name, note, pick, runs);
      }),
    );
  }

  private serviceRow(s: PanelState, name: string, note: string, pick: HTMLElement | null, runs = true): HTMLElement {
    const primary = s.choices.primary === name;
    return h(
      'li',
      { rr: `service-${name}`, class: runs ? 'runs' : 'idle' },
      h(
        'label',
        { class: 'choice' },
        pick,
        h('input', { type: 'radio', name: 'rr-primary', value: name, rr: `primary-${name}`, title: 'Primary: the preview Open preview shows', disabled: !runs, checked: primary, onChange: () => this.cb.choosePrimary(name) }),
        h('span', { class: 'mono' }, name),
        primary ? h('span', { class: 'badge primary' }, 'primary') : null,
        runs ? null : h('span', { class: 'muted' }, 'not started'),
        note ? h('span', { class: 'muted' }, note) : null,
      ),
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
