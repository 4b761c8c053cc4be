// The extension's service worker: owns the one native port to reporunner-nativehost and
// serves the pages (content scripts on github.com, the popup) over chrome.runtime ports.
import { nativeHostName, pagePortName } from '../shared/messages';
import { NativeClient } from './nativeclient';
import { PageHub } from './pagehub';

const native = new NativeClient({
  connect: () => chrome.runtime.connectNative(nativeHostName),
  lastError: () => chrome.runtime.lastError?.message,
});
// With no page left, the native port (and so the host process) is let go after a grace
// period that covers a full page load reconnecting.
const idleCloseMs = 60_000;
let idleTimer: ReturnType<typeof setTimeout> | null = null;
const hub = new PageHub(native, (count) => {
  native.setWantEvents(count > 0);
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = count > 0 ? null : setTimeout(() => native.close(), idleCloseMs);
});
native.onEvent((event, data) => hub.dispatchEvent(event, data));
native.onStatus((status) => hub.dispatchStatus(status));

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== pagePortName || port.sender?.id !== chrome.runtime.id) return;
  hub.add(port, native.currentStatus());
});

// Tests wait for this: the worker target exists before its script has run.
Object.assign(globalThis, { reporunnerWorkerReady: true });
