// What travels between the service worker and the pages (content script, popup) over a
// chrome.runtime port, and between the worker and the native host.
import type { Json, JsonObject } from './json';
import type { PlanChoices } from './planchoices';

export { type AnyMethod, type AnyMethodParams, protocolVersion } from './generated/protocol';

// The native host's name (installer/native-messaging/dev.reporunner.host.json.in).
export const nativeHostName = 'dev.reporunner.host';
// The fixed extension id (manifest.json's key), which the host's allowed_origins lists.
export const extensionId = 'oipbogiebnohngapaiaihdajnhlacfle';
// The key of the panel frame's window messages to its content script (content/panelframe.ts).
export const panelMessage = 'reporunnerPanel';
// The name pages give their chrome.runtime.connect port.
export const pagePortName = 'reporunner';

export interface RpcError {
  code: string;
  message: string;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'failed';

// What the options page shows about the bridge (host.status, then hello when the app runs).
export interface BridgeStatus {
  hostFound: boolean;
  hostVersion?: string;
  hostProtocol?: number;
  appRunning: boolean;
  appVersion?: string;
  appProtocol?: number;
  extensionProtocol: number;
  error?: RpcError;
}

export interface ConnectionStatus {
  state: ConnectionState;
  error?: RpcError; // set when state is 'failed'
}

// Page -> worker.
export type PageMessage =
  | { kind: 'request'; id: number; method: string; params: JsonObject; timeoutMs?: number }
  // The runs whose log lines this page wants; run updates reach every page.
  | { kind: 'watch'; runIds: string[] }
  // Open the extension page where a user reviews and allows what the sandbox refuses. The
  // worker takes the repository from the sending tab's own URL, never from the message.
  | { kind: 'openConsent'; choices: PlanChoices };

// Worker -> page.
export type WorkerMessage =
  | { kind: 'response'; id: number; result: Json }
  | { kind: 'response'; id: number; error: RpcError }
  | { kind: 'event'; event: string; data: JsonObject }
  | { kind: 'status'; status: ConnectionStatus };

export type Unsubscribe = () => void;
