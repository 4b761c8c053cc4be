// The options page: the bridge's status (host manifest, host and app versions, protocol), a
// button that starts the app, the default runtime and GitHub Enterprise hosts.
import { h } from '../shared/dom';
import { errorCode, friendlyError } from '../shared/errors';
import { isObject, num, str } from '../shared/json';
import { type BridgeStatus, pagePortName, protocolVersion, type RpcError } from '../shared/messages';
import { defaultRuntimeKey, isRuntime } from '../shared/planchoices';
import { connectToWorker } from '../shared/workerlink';
import { addEnterpriseHost, normaliseHost, removeEnterpriseHost, storedHosts } from '../shared/enterprisehosts';

const link = connectToWorker(pagePortName);
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const cell = (rr: string) => document.querySelector<HTMLElement>(`[data-rr=${rr}]`) as HTMLElement;

async function readStatus(): Promise<BridgeStatus> {
  const status: BridgeStatus = { hostFound: false, appRunning: false, extensionProtocol: protocolVersion };
  try {
    const host = await link.request('host.status', {}, 10_000);
    status.hostFound = true;
    if (isObject(host)) {
      status.hostVersion = str(host, 'version');
      status.hostProtocol = num(host, 'protocol');
      status.appRunning = host.appRunning === true;
    }
  } catch (e) {
    const error = e as RpcError;
    status.hostFound = error.code !== errorCode.hostMissing && error.code !== errorCode.hostForbidden;
    status.error = error;
    return status;
  }
  if (!status.appRunning) return status;
  try {
    const hello = await link.request('hello', { client: 'reporunner-options', version: protocolVersion });
    if (isObject(hello)) {
      status.appVersion = str(hello, 'version');
      status.appProtocol = num(hello, 'protocol');
    }
  } catch (e) {
    status.error = e as RpcError;
  }
  return status;
}

function show(status: BridgeStatus): void {
  const mark = (el: HTMLElement, ok: boolean, text: string) => {
    el.textContent = text;
    el.className = ok ? 'ok' : 'bad';
  };
  mark(cell('host-manifest'), status.hostFound, status.hostFound ? 'found' : 'not found');
  cell('host-version').textContent = status.hostVersion || '–';
  mark(cell('app-running'), status.appRunning, status.appRunning ? 'running' : 'not running');
  cell('app-version').textContent = status.appVersion || '–';
  const peers = [status.hostProtocol, status.appProtocol].filter((p): p is number => p !== undefined && p > 0);
  const agree = peers.every((p) => p === status.extensionProtocol);
  mark(
    cell('protocol'),
    agree,
    `extension ${status.extensionProtocol}${status.hostProtocol ? ` · host ${status.hostProtocol}` : ''}${status.appProtocol ? ` · app ${status.appProtocol}` : ''}${agree ? '' : ' — update RepoRunner'}`,
  );
  const box = byId<HTMLElement>('bridge-error');
  const mismatch = !agree && !status.error ? { code: errorCode.versionMismatch, message: `Update RepoRunner: its protocol differs from this extension's (${status.extensionProtocol}).` } : null;
  const error = status.error ?? mismatch;
  box.hidden = !error;
  if (error) {
    const f = friendlyError(error);
    box.replaceChildren(h('div', { class: 'what' }, f.title), h('div', {}, f.action), f.detail ? h('div', { class: 'muted' }, f.detail) : '');
  }
  // Fixable from here: a host that is installed but has no app behind it.
  byId<HTMLButtonElement>('start-app').hidden = !(status.hostFound && !status.appRunning);
}

async function refresh(): Promise<void> {
  show(await readStatus());
}

byId<HTMLButtonElement>('refresh').addEventListener('click', () => void refresh());
byId<HTMLButtonElement>('start-app').addEventListener('click', () => {
  const button = byId<HTMLButtonElement>('start-app');
  button.disabled = true;
  button.textContent = 'Starting…';
  // Any request for the app makes the host start it and wait for its socket.
  void link
    .request('hello', { client: 'reporunner-options', version: protocolVersion }, 30_000)
    .catch(() => {})
    .then(refresh)
    .finally(() => {
      button.disabled = false;
      button.textContent = 'Start RepoRunner';
    });
});

// ---- default runtime ----
const runtimeSelect = byId<HTMLSelectElement>('default-runtime');
void chrome.storage.local.get(defaultRuntimeKey).then((s) => {
  const v = s[defaultRuntimeKey];
  if (isRuntime(v)) runtimeSelect.value = v;
});
runtimeSelect.addEventListener('change', () => {
  if (isRuntime(runtimeSelect.value)) void chrome.storage.local.set({ [defaultRuntimeKey]: runtimeSelect.value });
});

// ---- GitHub Enterprise hosts ----
async function showHosts(): Promise<void> {
  const hosts = await storedHosts();
  byId<HTMLElement>('ghe-hosts').replaceChildren(
    ...hosts.map((host) =>
      h('li', { rr: `ghe-${host}` }, h('code', {}, host), ' ', h('button', { class: 'plain', onClick: () => void removeEnterpriseHost(host).then(showHosts) }, 'Remove')),
    ),
  );
}
function gheError(message: string | null): void {
  const box = byId<HTMLElement>('ghe-error');
  box.hidden = !message;
  box.textContent = message ?? '';
}
byId<HTMLButtonElement>('ghe-add').addEventListener('click', () => {
  const host = normaliseHost(byId<HTMLInputElement>('ghe-host').value);
  if (!host) return gheError('Enter a host name such as github.example.com.');
  gheError(null);
  // Must run inside the click: browsers grant permissions only on a user gesture.
  void addEnterpriseHost(host)
    .then((granted) => gheError(granted ? null : `Access to ${host} was not granted.`))
    .catch((e: unknown) => gheError(e instanceof Error ? e.message : String(e)))
    .then(showHosts);
});

void showHosts();
void refresh();
Object.assign(globalThis, { reporunnerOptionsReady: true });
