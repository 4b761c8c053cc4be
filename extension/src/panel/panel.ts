// The panel's own page, shown in an extension-origin frame that the content script puts into
// the GitHub page. The page's scripts can't read into a cross-origin frame or send it trusted
// clicks, so whatever the panel starts, a user clicked. The frame talks to the worker like any
// page; the worker treats it as the web page it sits in (pagepolicy), so its repository is the
// tab's whatever `?page=` says.
import { storedHosts } from '../shared/enterprisehosts';
import type { FriendlyError } from '../shared/errors';
import { parseRepoPage } from '../shared/githuburl';
import { type ConnectionStatus, pagePortName, panelMessage } from '../shared/messages';
import { errorFromUnknown } from '../shared/panelstate';
import { type Detection, parseDetection } from '../shared/run';
import { connectToWorker } from '../shared/workerlink';
import { PanelController } from '../content/panelcontroller';

function tellParent(message: { kind: 'close' } | { kind: 'height'; height: number }): void {
  // Only our content script listens (it checks that we are its frame); the page learns nothing
  // from a close or a height.
  window.parent.postMessage({ [panelMessage]: message }, '*');
}

async function main(): Promise<void> {
  const hosts = await storedHosts().catch(() => [] as string[]);
  const page = parseRepoPage(new URL(location.href).searchParams.get('page') ?? '', hosts);
  if (!page) return tellParent({ kind: 'close' });
  const link = connectToWorker(pagePortName);
  let connection: ConnectionStatus = { state: 'idle' };
  const stopStatus = link.onStatus((s) => {
    connection = s;
  });
  link.open();
  let detection: Detection | null = null;
  let error: FriendlyError | null = null;
  try {
    detection = parseDetection(await link.request('detect', { source: page.source }));
  } catch (e) {
    error = errorFromUnknown(e);
  }
  stopStatus();
  const controller = new PanelController(link, page, detection, connection, error, () => tellParent({ kind: 'close' }), true);
  const host = document.querySelector('reporunner-panel');
  if (host) new ResizeObserver(() => tellParent({ kind: 'height', height: Math.ceil(host.getBoundingClientRect().height) })).observe(host);
  await controller.load();
}

void main();
