// The toolbar popup: every run the app knows, live, with Stop for the active ones.
import { h } from '../shared/dom';
import { friendlyError, type FriendlyError } from '../shared/errors';
import { isObject } from '../shared/json';
import { pagePortName } from '../shared/messages';
import { errorFromUnknown } from '../shared/panelstate';
import { isTerminal, parseRun, parseRuns, type RunInfo } from '../shared/run';
import { connectToWorker } from '../shared/workerlink';

const link = connectToWorker(pagePortName);
const runs = new Map<string, RunInfo>();
const stopping = new Set<string>();

function showError(error: FriendlyError | null): void {
  const box = document.getElementById('error');
  if (!box) return;
  box.hidden = !error;
  box.replaceChildren(...(error ? [h('div', { class: 'what' }, error.title), h('div', {}, error.action)] : []));
}

function render(): void {
  const list = document.getElementById('runs');
  const empty = document.getElementById('empty');
  if (!list || !empty) return;
  const sorted = [...runs.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  empty.hidden = sorted.length > 0;
  list.replaceChildren(
    ...sorted.map((run) =>
      h(
        'li',
        { class: 'run', rr: `run-${run.id}` },
        h('span', { class: 'repo' }, `${run.owner}/${run.repo}`),
        h('span', { class: `badge ${run.state}`, rr: 'state' }, run.state),
        h(
          'span',
          { class: 'meta' },
          `${run.id} · ${run.mode || '?'} · ${run.runtime || '?'}${run.commit ? ` · ${run.commit.slice(0, 7)}` : ''}`,
          run.state === 'READY' && run.previewUrl ? ' · ' : '',
          run.state === 'READY' && run.previewUrl ? h('a', { href: run.previewUrl, target: '_blank', rr: 'preview' }, 'preview') : null,
        ),
        isTerminal(run.state)
          ? h('span', {})
          : h('button', { rr: 'stop', disabled: stopping.has(run.id) || run.state === 'STOPPING', onClick: () => void stop(run.id) }, stopping.has(run.id) ? 'Stopping…' : 'Stop'),
      ),
    ),
  );
}

async function stop(runId: string): Promise<void> {
  stopping.add(runId);
  render();
  try {
    const reply = await link.request('stop', { runId });
    const run = parseRun(isObject(reply) ? reply.run : undefined);
    if (run) runs.set(run.id, run);
  } catch (e) {
    showError(errorFromUnknown(e));
  } finally {
    stopping.delete(runId);
    render();
  }
}

link.onEvent((event, data) => {
  if (event !== 'run.updated') return;
  const run = parseRun(isObject(data.run) ? data.run : undefined);
  if (!run) return;
  runs.set(run.id, run);
  render();
});
link.onStatus((status) => {
  const el = document.getElementById('status');
  if (el) el.textContent = status.state === 'connected' ? 'connected' : status.state === 'failed' ? 'not connected' : status.state;
  showError(status.state === 'failed' && status.error ? friendlyError(status.error) : null);
});

link
  .request('list')
  .then((reply) => {
    for (const run of parseRuns(reply)) runs.set(run.id, run);
    render();
  })
  .catch((e: unknown) => showError(errorFromUnknown(e)));
