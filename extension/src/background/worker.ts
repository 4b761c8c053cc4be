// The extension's service worker: owns the one native port to reporunner-nativehost, serves
// the pages (content scripts on GitHub, the popup, options and consent pages) over
// chrome.runtime ports, and keeps the toolbar badge.
import { enterpriseHostsKey, storedHosts } from '../shared/enterprisehosts';
import { parseRepoPage } from '../shared/githuburl';
import { isObject, type Json, type JsonObject } from '../shared/json';
import { nativeHostName, pagePortName } from '../shared/messages';
import { NativeClient } from './nativeclient';
import { PageHub } from './pagehub';
import { RunBadge } from './runbadge';

const native = new NativeClient({
  connect: () => chrome.runtime.connectNative(nativeHostName),
  lastError: () => chrome.runtime.lastError?.message,
});
const badge = new RunBadge(chrome.action);

// With no page left and no run active, the native port (and so the host process) is let go
// after a grace period that covers a full page load reconnecting. Active runs keep it, so the
// badge follows them.
const idleCloseMs = 60_000;
let idleTimer: ReturnType<typeof setTimeout> | null = null;
let pageCount = 0;
function keepAlive(): void {
  const wanted = pageCount > 0 || badge.activeCount > 0;
  native.setWantEvents(wanted);
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = wanted ? null : setTimeout(() => native.close(), idleCloseMs);
}

// Every run record passing through feeds the badge.
const sink = {
  request: (method: string, params: JsonObject, timeoutMs?: number): Promise<Json> =>
    native.request(method, params, timeoutMs).then((result) => {
      if (method === 'list') badge.seeList(result);
      else if (isObject(result) && (method === 'start' || method === 'stop' || method === 'get')) badge.seeRun(result.run);
      keepAlive();
      return result;
    }),
  keepSubscribed: () => native.keepSubscribed(),
};

const hub = new PageHub(
  sink,
  (count) => {
    pageCount = count;
    keepAlive();
  },
  (tabUrl, choices) => {
    const page = parseRepoPage(tabUrl, gheHosts);
    if (!page) return;
    const url = new URL(chrome.runtime.getURL('consent.html'));
    url.searchParams.set('source', page.source);
    url.searchParams.set('choices', JSON.stringify(choices));
    void chrome.tabs.create({ url: url.toString() });
  },
  (url) => parseRepoPage(url, gheHosts),
);
native.onEvent((event, data) => {
  if (event === 'run.updated') {
    badge.seeRun(data.run);
    keepAlive();
  }
  hub.dispatchEvent(event, data);
});
native.onStatus((status) => hub.dispatchStatus(status));

// GitHub Enterprise hosts the user granted on the options page.
let gheHosts: string[] = [];
const loadHosts = () =>
  void storedHosts().then((hosts) => {
    gheHosts = hosts;
  });
loadHosts();
chrome.storage.onChanged.addListener((changes) => {
  if (changes[enterpriseHostsKey]) loadHosts();
});

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== pagePortName || port.sender?.id !== chrome.runtime.id) return;
  // Chrome tells us who is calling. Trusted: an extension page of ours in its own tab or popup.
  // The panel frame is an extension page too, but it sits inside a web page and is treated as
  // that page; so is every content script.
  const ours = chrome.runtime.getURL('');
  const senderUrl = port.sender.url ?? '';
  const tabUrl = port.sender.tab?.url;
  const extensionPage = senderUrl.startsWith(ours) && !senderUrl.startsWith(chrome.runtime.getURL('panel.html')) && (tabUrl === undefined || tabUrl.startsWith(ours));
  if (extensionPage && senderUrl.startsWith(chrome.runtime.getURL('popup.html'))) badge.acknowledge();
  const tabId = port.sender.tab?.id;
  hub.add(
    port,
    native.currentStatus(),
    extensionPage
      ? { trusted: true }
      : { trusted: false, tabUrl: () => (tabId === undefined ? '' : chrome.tabs.get(tabId).then((tab) => tab.url ?? '')) },
  );
});

// Tests wait for this: the worker target exists before its script has run.
Object.assign(globalThis, { reporunnerWorkerReady: true });
