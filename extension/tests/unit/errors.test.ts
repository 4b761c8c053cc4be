import { describe, expect, it } from 'vitest';
import { friendlyError, nativeDisconnectError } from '../../src/shared/errors';
import { errorFromUnknown } from '../../src/shared/panelstate';

describe('native disconnect reasons', () => {
  it.each([
    ['Specified native messaging host not found.', 'extension.host_missing'],
    ['Access to the specified native messaging host is forbidden.', 'extension.host_forbidden'],
    ['Native host has exited.', 'extension.host_failed'],
    ['Failed to start native messaging host.', 'extension.host_failed'],
    ['Error when communicating with the native messaging host.', 'extension.host_failed'],
    [undefined, 'extension.host_failed'],
  ])('%s -> %s', (message, code) => {
    expect(nativeDisconnectError(message).code).toBe(code);
  });
});

describe('friendly errors say what to do', () => {
  it('a missing host names the package and the manifest', () => {
    const e = friendlyError({ code: 'extension.host_missing', message: 'Specified native messaging host not found.' });
    expect(e.title).toBe("RepoRunner's native host is not installed.");
    expect(e.action).toContain('Install the RepoRunner package');
    expect(e.action).toContain('scripts/install-native-host.sh');
    expect(e.action).toContain('dev.reporunner.host.json');
    expect(e.action).toContain('NativeMessagingHosts');
  });

  it('a forbidden host names the extension id it must allow', () => {
    expect(friendlyError({ code: 'extension.host_forbidden', message: '' }).action).toContain('chrome-extension://oipbogiebnohngapaiaihdajnhlacfle/');
  });

  it('an app that is not running says how to start it', () => {
    const e = friendlyError({ code: 'nativehost.app_unavailable', message: 'RepoRunner is not running; start the RepoRunner app' });
    expect(e.title).toBe('RepoRunner is not running and could not be started.');
    expect(e.action).toContain('reporunner serve');
    expect(e.detail).toContain('not running');
  });

  it('engine errors keep their own words', () => {
    const e = friendlyError({ code: 'source.fetch_failed', message: 'Fetching https://github.com/o/r.git failed: 404' });
    expect(e.title).toBe('RepoRunner could not fetch this repository.');
    expect(e.action).toBe('Fetching https://github.com/o/r.git failed: 404');
    expect(friendlyError({ code: 'compose.bad_yaml', message: 'compose.yaml:3:1: bad' }).title).toBe('This project cannot be run as it is.');
    expect(friendlyError({ code: 'docker.unreachable', message: 'no daemon' }).title).toBe('The container runtime reported a problem.');
    expect(friendlyError({ code: 'run.bad_runtime', message: 'The runtime must be auto, docker or kubernetes.' }).title).toBe('The runtime must be auto, docker or kubernetes.');
  });

  it('anything thrown becomes an error the panel can show', () => {
    expect(errorFromUnknown({ code: 'extension.timeout', message: 'x' }).title).toBe('RepoRunner did not answer in time.');
    expect(errorFromUnknown(new Error('boom')).title).toBe('boom');
    expect(errorFromUnknown('weird').title).toBe('weird');
  });
});
