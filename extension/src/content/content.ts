// Content script on github.com: offers "Run locally" on repository code views once the app
// has said what it would run, and opens the panel on click.
import { errorCode, type FriendlyError } from '../shared/errors';
import { storedHosts } from '../shared/enterprisehosts';
import { parseRepoPage, type RepoPage } from '../shared/githuburl';
import { pagePortName } from '../shared/messages';
import { errorFromUnknown } from '../shared/panelstate';
import { type Detection, describeDetection, isRunnable, parseDetection } from '../shared/run';
import { connectToWorker } from '../shared/workerlink';
import { PageWatcher } from './pagewatcher';
import { PanelFrame } from './panelframe';
import { findAnchor, RunButton } from './runbutton';

interface Current {
  page: RepoPage;
  state: 'checking' | 'runnable' | 'none' | 'error';
  detection: Detection | null;
  error: FriendlyError | null;
}

const link = connectToWorker(pagePortName);

let current: Current | null = null;
let button: RunButton | null = null;
let panel: PanelFrame | null = null;

function removeButton(): void {
  button?.remove();
  button = null;
}

function labelFor(c: Current): { text: string; title: string } {
  if (c.state === 'runnable' && c.detection) {
    const text = describeDetection(c.detection);
    return { text, title: `RepoRunner: ${text}. Run this repository in a local sandbox.` };
  }
  const e = c.error;
  if (e?.code === errorCode.hostMissing) return { text: 'RepoRunner is not installed', title: e.title };
  if (e?.code === 'nativehost.app_unavailable') return { text: 'RepoRunner is not running', title: e.title };
  if (e?.code === errorCode.versionMismatch) return { text: 'RepoRunner needs an update', title: `${e.title} ${e.action}` };
  return { text: 'RepoRunner could not check this repository', title: e?.title ?? '' };
}

function ensureButton(): void {
  const c = current;
  if (!c || c.state === 'checking' || c.state === 'none') {
    removeButton();
    return;
  }
  const anchor = findAnchor();
  const inPlace = button?.isAttached() && (button.placement === 'header' ? !!anchor && anchor.contains(button.element) : !anchor);
  if (!inPlace) {
    removeButton();
    button = new RunButton(anchor, openPanel);
  }
  const { text, title } = labelFor(c);
  button?.setLabel(text, title);
}

async function detect(c: Current): Promise<void> {
  try {
    const detection = parseDetection(await link.request('detect', { source: c.page.source }));
    if (current !== c) return;
    c.detection = detection;
    c.state = detection && isRunnable(detection) ? 'runnable' : 'none';
  } catch (e) {
    if (current !== c) return;
    c.error = errorFromUnknown(e);
    c.state = 'error';
  }
  ensureButton();
}

function openPanel(): void {
  const c = current;
  if (!c) return;
  if (panel && panel.page.source === c.page.source) return;
  panel?.close();
  const opened = new PanelFrame(c.page, () => {
    if (panel === opened) panel = null;
  });
  panel = opened;
}

// GitHub Enterprise hosts the user granted (this script only runs on those and github.com).
let enterpriseHosts: string[] = [];

function check(): void {
  const page = parseRepoPage(location.href, enterpriseHosts);
  if (!page) {
    current = null;
    removeButton();
    panel?.close();
    return;
  }
  if (!current || current.page.source !== page.source) {
    if (panel && panel.page.key !== page.key) panel.close();
    const next: Current = { page, state: 'checking', detection: null, error: null };
    current = next;
    removeButton();
    void detect(next);
  }
  ensureButton();
}

// Says the content script runs (tests wait for it before asserting that no button appears).
document.documentElement.dataset.reporunner = 'active';
const watcher = new PageWatcher(check);
if (location.hostname === 'github.com' || location.hostname === 'www.github.com') watcher.start();
else
  void storedHosts().then((hosts) => {
    enterpriseHosts = hosts;
    watcher.start();
  });
