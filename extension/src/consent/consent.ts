// The consent page: an extension page (never the content script on a web page) that shows
// what the sandbox refuses for one repository and starts one run with unsafe options only
// after the user ticks the box and clicks. The repository comes from the worker, which took it
// from the asking tab's URL.
import { h } from '../shared/dom';
import { friendlyError } from '../shared/errors';
import { isObject } from '../shared/json';
import { pagePortName, type RpcError } from '../shared/messages';
import { choiceOptions, parseChoices } from '../shared/planchoices';
import { describeReportLine, parsePlan, parseRun, type PlanSummary } from '../shared/run';
import { connectToWorker } from '../shared/workerlink';

const link = connectToWorker(pagePortName);
const query = new URL(location.href).searchParams;
const source = query.get('source') ?? '';
let choicesJson: unknown = null;
try {
  choicesJson = JSON.parse(query.get('choices') ?? 'null');
} catch {
  choicesJson = null;
}
const choices = parseChoices(choicesJson);
const body = document.getElementById('body') as HTMLElement;
(document.getElementById('source') as HTMLElement).textContent = source;

function fail(e: unknown): void {
  const f = friendlyError(e as RpcError);
  body.replaceChildren(h('div', { class: 'error', rr: 'consent-error' }, h('div', { class: 'what' }, f.title), h('div', {}, f.action)));
}

function lines(plan: PlanSummary, status: string): string[] {
  return plan.notes.filter((n) => n.status === status).map(describeReportLine);
}

async function load(): Promise<void> {
  if (!/^https:\/\//.test(source)) return fail({ code: 'extension.bad_source', message: 'This page was opened without a repository.' });
  const options = choiceOptions(choices, choices.mode);
  // What the policy refuses, and what stays refused even when unsafe runs are allowed
  // (mounts that hand over the host).
  const [strict, relaxed] = await Promise.all([
    link.request('plan', { source, options }),
    link.request('plan', { source, options: { ...options, allowUnsafe: true } }),
  ]).then(([a, b]) => [parsePlan(a), parsePlan(b)]);
  if (!strict || !relaxed) return fail({ code: 'extension.bad_reply', message: 'The engine sent a plan the extension cannot read.' });
  const stays = new Set(lines(relaxed, 'refused'));
  const refused = lines(strict, 'refused');
  const check = h('input', { type: 'checkbox', rr: 'consent-check' });
  const start = h('button', { class: 'danger', rr: 'consent-start', disabled: true }, 'Start with these allowed');
  const result = h('div', { rr: 'consent-result' });
  check.addEventListener('change', () => (start.disabled = !check.checked || relaxed.refused));
  start.addEventListener('click', (event) => {
    if (!event.isTrusted || !check.checked) return;
    start.disabled = true;
    void link
      .request('start', { source, options: { ...options, allowUnsafe: true, runtime: choices.runtime, idempotencyKey: crypto.randomUUID() } })
      .then((reply) => {
        const run = parseRun(isObject(reply) ? reply.run : undefined);
        result.replaceChildren(`Started run ${run?.id ?? '?'}. Follow it in the popup or in the repository's panel.`);
      })
      .catch(fail);
  });
  body.replaceChildren(
    h('h2', {}, 'Refused by the sandbox'),
    h('ul', { class: 'lines', rr: 'consent-refused' }, ...refused.map((r) => h('li', { class: stays.has(r) ? 'bad' : '' }, r, stays.has(r) ? ' — stays refused: it would hand over this computer' : ''))),
    h('h2', {}, 'Services'),
    h('p', {}, strict.services.map((s) => s.name).join(', ') || '–'),
    relaxed.refused
      ? h('div', { class: 'error', rr: 'consent-impossible' }, h('div', { class: 'what' }, 'This project cannot run even with unsafe options allowed.'))
      : h('p', { class: 'row' }, h('label', { class: 'row' }, check, 'I trust this repository: allow these options for one run.'), start),
    result,
  );
}

load().catch(fail);
