// Turns what can go wrong between the browser and the engine into what the user should do.
import { extensionId, nativeHostName, type RpcError } from './messages';

export interface FriendlyError {
  code: string;
  title: string; // what happened, in one line
  action: string; // what to do about it
  detail?: string; // the original message, when it adds something
}

// Codes the extension itself produces (the host's are "nativehost.…", the engine's pass through).
export const errorCode = {
  hostMissing: 'extension.host_missing',
  hostForbidden: 'extension.host_forbidden',
  hostFailed: 'extension.host_failed',
  timeout: 'extension.timeout',
  workerGone: 'extension.worker_gone',
  badReply: 'extension.bad_reply',
  versionMismatch: 'extension.version_mismatch',
  needsConsent: 'extension.needs_consent',
} as const;

const installAction =
  'Install the RepoRunner package (it registers the native host for Chrome, Chromium, Edge, Brave and ' +
  'Vivaldi), or from a source checkout run `scripts/install-native-host.sh`, which writes ' +
  `${nativeHostName}.json into each browser's NativeMessagingHosts folder. Then reload this page.`;

// chrome.runtime.lastError after connectNative's port disconnects, mapped to our codes.
export function nativeDisconnectError(lastError: string | undefined): RpcError {
  const message = lastError ?? 'The native host closed the connection.';
  if (/not found/i.test(message)) return { code: errorCode.hostMissing, message };
  if (/forbidden/i.test(message)) return { code: errorCode.hostForbidden, message };
  return { code: errorCode.hostFailed, message };
}

export function friendlyError(error: RpcError): FriendlyError {
  const detail = error.message;
  switch (error.code) {
    case errorCode.hostMissing:
      return { code: error.code, title: "RepoRunner's native host is not installed.", action: installAction, detail };
    case errorCode.hostForbidden:
      return {
        code: error.code,
        title: 'The installed RepoRunner native host does not accept this extension.',
        action:
          `Its manifest (${nativeHostName}.json) must list chrome-extension://${extensionId}/ in ` +
          '"allowed_origins": reinstall the RepoRunner package, or load this extension from the ' +
          'RepoRunner sources so it keeps its fixed id.',
        detail,
      };
    case errorCode.hostFailed:
      return {
        code: error.code,
        title: "RepoRunner's native host stopped unexpectedly.",
        action:
          `Check that the "path" in ${nativeHostName}.json points at an existing, executable ` +
          'reporunner-nativehost, then reload this page.',
        detail,
      };
    case 'nativehost.app_unavailable':
      return {
        code: error.code,
        title: 'RepoRunner is not running and could not be started.',
        action:
          'Start the engine with `reporunner serve` (or `reporunner ps`, which starts it), then try ' +
          'again. Its log is $XDG_RUNTIME_DIR/reporunner/serve.log.',
        detail,
      };
    case 'ipc.version_mismatch':
    case errorCode.versionMismatch:
      return {
        code: error.code,
        title: 'RepoRunner and this extension speak different protocol versions.',
        action: /Update the RepoRunner extension/.test(detail)
          ? 'Update the RepoRunner extension (or load it from the same RepoRunner release), then reload this page.'
          : 'Update RepoRunner to the release this extension came with (the package or your build of the sources), then reload this page.',
        detail,
      };
    case errorCode.needsConsent:
      return { code: error.code, title: 'Unsafe options need your consent in a RepoRunner page.', action: 'Use "Review in RepoRunner…" to see what the sandbox refuses and allow it there.', detail };
    case errorCode.timeout:
      return { code: error.code, title: 'RepoRunner did not answer in time.', action: 'Check that `reporunner ps` answers, then try again.', detail };
    case errorCode.workerGone:
      return { code: error.code, title: "The extension's background worker restarted.", action: 'Try again; if it keeps happening, reload the extension.', detail };
    case 'run.not_found':
      return { code: error.code, title: 'RepoRunner no longer knows this run.', action: 'Start it again.', detail };
    default:
      break;
  }
  if (error.code.startsWith('source.'))
    return { code: error.code, title: 'RepoRunner could not fetch this repository.', action: error.message };
  if (['compose.', 'project.', 'plan.', 'dockerfile.'].some((p) => error.code.startsWith(p)))
    return { code: error.code, title: 'This project cannot be run as it is.', action: error.message };
  if (['docker.', 'runtime.', 'kube.', 'build.', 'deploy.'].some((p) => error.code.startsWith(p)))
    return { code: error.code, title: 'The container runtime reported a problem.', action: error.message };
  return { code: error.code, title: error.message || 'Something went wrong.', action: '' };
}
