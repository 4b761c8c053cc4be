// End to end: real Chromium with the built extension, the real reporunner-nativehost (from the
// build tree, found through its installed manifest), the real engine it starts, real git and
// real Docker. GitHub's pages are stand-ins served by request interception; the repositories
// come from a local `git daemon` through REPORUNNER_GITHUB_MIRROR.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionId } from '../../src/shared/messages';
import { containersWithLabel, dockerAnswers, imageExists, networksWithLabel, removeLabelled } from './docker';
import { GitHubStub } from './githubstub';
import { fixturesDir, Harness, requiredEnv, sourceDir } from './harness';

const runIdLabel = 'reporunner.dev/run-id'; // engine/dockerruntime/containerspec.h
const helloUrl = 'https://github.com/acme/hello-web';

let harness: Harness;
let context: BrowserContext;
let worker: Worker;
let page: Page;
let artifacts = '';
const stub = new GitHubStub(fixturesDir);
const runIds: string[] = [];

// The panel lives in an extension-origin frame: Playwright (like a user) reaches into it, the
// page's own scripts cannot.
const panelFrame = (p: Page) => p.locator('iframe[data-rr=panel-frame]');
const panel = (p: Page) => p.frameLocator('iframe[data-rr=panel-frame]').locator('[data-rr=panel]');
const runButton = (p: Page) => p.locator('[data-rr=run-button]');
const detectLabel = (p: Page) => p.locator('[data-rr=detect-label]');
const badgeText = () => worker.evaluate(() => chrome.action.getBadgeText({}));
const badgeColor = () => worker.evaluate(() => chrome.action.getBadgeBackgroundColor({}));

async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The engine's own list of runs, from the real CLI next to the host (the same engine: its socket
// is in the harness's runtime folder).
function engineRuns(): { id: string; repo: string; state: string }[] {
  const cli = join(dirname(requiredEnv().nativeHost), '../app/cli/reporunner');
  const out = execFileSync(cli, ['ps', '--json'], { env: { ...process.env, HOME: harness.home, XDG_RUNTIME_DIR: harness.runtimeDir }, encoding: 'utf8' });
  const parsed = JSON.parse(out) as unknown;
  return Array.isArray(parsed) ? (parsed as { id: string; repo: string; state: string }[]) : [];
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(artifacts, `${name}.png`) });
}

// GitHub swaps the page body and pushes the new URL without a reload (Turbo); so do we.
async function softNavigate(p: Page, path: string): Promise<void> {
  await p.evaluate(async (to) => {
    const html = await (await fetch(to)).text();
    const next = new DOMParser().parseFromString(html, 'text/html');
    const main = next.querySelector('main');
    const current = document.querySelector('main');
    if (main && current) current.replaceWith(document.importNode(main, true));
    document.title = next.title;
    history.pushState({ turbo: true }, '', to);
    document.dispatchEvent(new Event('turbo:load', { bubbles: true }));
  }, path);
}

beforeAll(async () => {
  const env = requiredEnv();
  artifacts = env.artifacts;
  if (!(await dockerAnswers())) throw new Error('no Docker daemon answers on /var/run/docker.sock: run scripts/start-dockerd.sh');
  if (!(await imageExists('busybox:1.36'))) throw new Error('the local image busybox:1.36 is missing: run scripts/busybox-image.sh');
  harness = new Harness(env.nativeHost);
  harness.publish('acme', 'hello-web', join(fixturesDir, 'repos/hello-web'));
  harness.publish('acme', 'compose-app', join(sourceDir, 'examples/compose-app'));
  harness.publish('acme', 'broken-build', join(fixturesDir, 'repos/broken-build'));
  await harness.startGitDaemon();
  stub.repos.set('acme/hello-web', { description: 'A static page in a busybox container', files: ['site', 'Dockerfile', 'README.md'], headerActions: true });
  stub.repos.set('acme/compose-app', { description: 'Three services: web, api and db', files: ['api', 'db', 'web', 'compose.yaml'], headerActions: true });
  stub.repos.set('acme/broken-build', { description: 'Its build fails', files: ['Dockerfile'], headerActions: true });
  // /acme/hello-web/tree/… pages come with a header GitHub might ship one day: no actions list.
  stub.repos.set('acme/hello-web/tree', { description: 'A static page in a busybox container', files: ['site', 'Dockerfile'], headerActions: false });
  harness.publish('acme', 'profiles-app', join(fixturesDir, 'repos/profiles-app'));
  harness.publish('acme', 'unsafe-app', join(fixturesDir, 'repos/unsafe-app'));
  stub.repos.set('acme/unsafe-app', { description: "A tool that sees the host's processes", files: ['compose.yaml'], headerActions: true });
  stub.repos.set('acme/profiles-app', { description: 'web, api, db and a tools profile', files: ['Dockerfile', 'compose.yaml'], headerActions: true });
  ({ context, worker } = await harness.launch());
  await stub.install(context);
  page = await context.newPage();
});

afterAll(async () => {
  await harness?.close();
  for (const id of runIds) await removeLabelled(`${runIdLabel}=${id}`).catch(() => {});
});

describe('the RepoRunner extension in Chromium', () => {
  it('without the native host installed, says exactly what to do', async () => {
    harness.removeHostManifest();
    await page.goto(helloUrl);
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 20_000 }).toBe('RepoRunner is not installed');
    await runButton(page).click();
    await expect.poll(() => panel(page).locator('[data-rr=error-title]').textContent(), { timeout: 10_000 }).toBe("RepoRunner's native host is not installed.");
    const action = (await panel(page).locator('[data-rr=error-action]').textContent()) ?? '';
    expect(action).toContain('Install the RepoRunner package');
    expect(action).toContain('scripts/install-native-host.sh');
    expect(await panel(page).locator('[data-rr=start]').count()).toBe(0); // nothing to set up yet
    await shot(page, '01-host-not-installed');
    await panel(page).locator('[data-rr=close]').click();
    await expect.poll(() => panelFrame(page).count()).toBe(0);
  });

  it('says "update RepoRunner" when the host speaks another protocol version', async () => {
    harness.installFakeHost(1);
    await page.goto(helloUrl);
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 20_000 }).toBe('RepoRunner needs an update');
    await runButton(page).click();
    await expect.poll(() => panel(page).locator('[data-rr=error-title]').textContent(), { timeout: 10_000 }).toBe('RepoRunner and this extension speak different protocol versions.');
    expect(await panel(page).locator('[data-rr=error-action]').textContent()).toContain('Update RepoRunner');
    expect(await panel(page).locator('[data-rr=error]').textContent()).toContain('speaks protocol 1, this extension 2');
    await shot(page, '01b-version-mismatch-panel');
    const popup = await context.newPage();
    await popup.setViewportSize({ width: 440, height: 240 });
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await expect.poll(() => popup.locator('[data-rr=error]').textContent(), { timeout: 10_000 }).toContain('Update RepoRunner');
    await popup.screenshot({ path: join(artifacts, '01c-version-mismatch-popup.png') });
    await popup.close();
    await panel(page).locator('[data-rr=close]').click();
  });

  it('shows no button on a page that is not a repository', async () => {
    harness.installHostManifest();
    await page.goto('https://github.com/features');
    await page.waitForSelector('html[data-reporunner=active]');
    await page.waitForTimeout(1_000); // give a wrong button every chance to appear
    expect(await runButton(page).count()).toBe(0);
  });

  it('detects, starts, streams, previews and stops a Dockerfile repository', async () => {
    await page.goto(helloUrl);
    // Detection goes extension → native host → engine (started by the host) → git mirror.
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 45_000 }).toBe('Dockerfile found');
    expect(await page.locator('#repository-container-header ul.pagehead-actions [data-rr=run-button]').count()).toBe(1);
    expect(harness.servePid()).not.toBeNull(); // the host started the engine and recorded it
    await shot(page, '02-button-detected');

    await runButton(page).click();
    await expect.poll(() => panel(page).locator('[data-rr=start]').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await panel(page).locator('[data-rr=detection]').textContent()).toBe('Dockerfile found');
    expect(await panel(page).locator('[data-rr=mode]').textContent()).toBe('Dockerfile');
    const services = await panel(page).locator('[data-rr=services] li').allTextContents();
    expect(services).toHaveLength(1);
    expect(services[0]).toContain('primary');
    expect(await panel(page).locator('[data-rr=commit]').textContent()).toMatch(/^[0-9a-f]{12}$/);
    await panel(page).locator('[data-rr=runtime]').selectOption('docker');
    // The runtime choice plans again, and the plan says where the run would go and why.
    await expect.poll(() => panel(page).locator('[data-rr=runs-on]').textContent(), { timeout: 30_000 }).toBe('Runs on Docker · chosen for this run');
    await shot(page, '03-panel-before-start');

    await panel(page).locator('[data-rr=start]').click();
    const seen = new Set<string>();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const state = (await panel(page).locator('[data-rr=state]').textContent({ timeout: 30_000 }).catch(() => null)) ?? '';
      if (state) seen.add(state);
      if (state === 'READY') break;
      if (state === 'FAILED') throw new Error(`the run failed: ${await panel(page).textContent()}`);
      if (Date.now() > deadline) throw new Error(`not READY after 90 s; states seen: ${[...seen].join(', ')}`);
      await page.waitForTimeout(100);
    }
    const runId = (await panel(page).locator('[data-rr=run-id]').textContent()) ?? '';
    expect(runId).not.toBe('');
    runIds.push(runId);
    // Every phase up to READY is marked done with its duration (Docker has no LOADING).
    for (const phase of ['QUEUED', 'FETCHING', 'BUILDING', 'DEPLOYING']) {
      const row = panel(page).locator(`[data-rr=phase-${phase}]`);
      expect(await row.getAttribute('class')).toBe('done');
      expect(await row.textContent()).toMatch(/\d+(\.\d)? (ms|s)$/);
    }
    expect(await panel(page).locator('[data-rr=phase-READY]').getAttribute('class')).toBe('done');

    const preview = await panel(page).locator('[data-rr=preview-primary]').getAttribute('href');
    expect(preview).toMatch(/^http:\/\/127\.77\.\d+\.\d+:\d+\/?$/); // the run's own loopback address
    const answer = await fetch(preview ?? '');
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('Hello from hello-web, run locally by RepoRunner');

    // The service's own output, streamed through subscribe events.
    const serviceTab = panel(page).locator('[data-rr=logs] .tabs button').nth(1);
    await serviceTab.click();
    await expect.poll(() => panel(page).locator('[data-rr=log]').textContent(), { timeout: 20_000 }).toContain('hello-web: serving /site on port 8080');
    await shot(page, '04-panel-ready-with-logs');
    await panel(page).locator('[data-rr=log-tab-run]').click();
    expect(await panel(page).locator('[data-rr=log]').textContent()).toContain('READY');

    // The popup lists the run, live.
    const popup = await context.newPage();
    await popup.setViewportSize({ width: 440, height: 320 });
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    const popupState = popup.locator(`[data-rr="run-${runId}"] [data-rr=state]`);
    await expect.poll(() => popupState.textContent(), { timeout: 15_000 }).toBe('READY');
    expect(await popup.locator(`[data-rr="run-${runId}"] [data-rr=stop]`).isEnabled()).toBe(true);
    await popup.screenshot({ path: join(artifacts, '05-popup-ready.png') });

    expect((await containersWithLabel(`${runIdLabel}=${runId}`)).length).toBeGreaterThan(0);
    await page.bringToFront();

    // A reloaded page finds the running run again, with its earlier log lines from the store.
    await page.reload();
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 30_000 }).toBe('Dockerfile found');
    await runButton(page).click();
    await expect.poll(() => panel(page).locator('[data-rr=run-id]').textContent(), { timeout: 15_000 }).toBe(runId);
    expect(await panel(page).locator('[data-rr=state]').textContent()).toBe('READY');
    await panel(page).locator('[data-rr=logs] .tabs button').nth(1).click();
    await expect.poll(() => panel(page).locator('[data-rr=log]').textContent(), { timeout: 10_000 }).toContain('hello-web: serving /site on port 8080');
    await panel(page).locator('[data-rr=stop]').click();
    await expect.poll(() => panel(page).locator('[data-rr=state]').textContent(), { timeout: 60_000 }).toBe('STOPPED');
    expect(await panel(page).locator('[data-rr=stopped-note]').textContent()).toContain('everything this run created was removed');
    await shot(page, '06-panel-stopped');
    expect(await containersWithLabel(`${runIdLabel}=${runId}`)).toEqual([]);
    expect(await networksWithLabel(`${runIdLabel}=${runId}`)).toEqual([]);
    // The popup heard about it without being asked again.
    await expect.poll(() => popupState.textContent(), { timeout: 10_000 }).toBe('STOPPED');
    await popup.close();
  });

  it('plan step: mode toggle, then a profile and one service start only their closure; the badge counts it', async () => {
    await page.goto('https://github.com/acme/profiles-app');
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 45_000 }).toContain('Dockerfile found');
    await runButton(page).click();
    const p = panel(page);
    await expect.poll(() => p.locator('[data-rr=start]').isEnabled(), { timeout: 30_000 }).toBe(true);
    // Both kinds exist: Compose by default, with a toggle.
    expect(await p.locator('[data-rr=mode-compose]').isChecked()).toBe(true);
    expect(await p.locator('[data-rr=services] li').count()).toBe(3); // admin waits for its profile
    await p.locator('[data-rr=mode-dockerfile]').check();
    await expect.poll(() => p.locator('[data-rr=services] li').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => p.locator('[data-rr=start]').textContent(), { timeout: 30_000 }).toBe('Start 1 service');
    await shot(page, '10-plan-dockerfile-mode');
    await p.locator('[data-rr=mode-compose]').check();
    await expect.poll(() => p.locator('[data-rr=start]').textContent(), { timeout: 30_000 }).toBe('Start 3 services');

    // The tools profile brings admin; picking only admin runs admin and what it needs (db).
    await p.locator('[data-rr=profile-tools]').check();
    await expect.poll(() => p.locator('[data-rr=services] li').count(), { timeout: 10_000 }).toBe(4);
    await p.locator('[data-rr=pick-admin]').check();
    // The closure shows at once: db is needed by admin, web and api are not started.
    expect(await p.locator('[data-rr=service-db]').textContent()).toContain('needed by admin');
    expect(await p.locator('[data-rr=service-web]').getAttribute('class')).toBe('idle');
    expect(await p.locator('[data-rr=service-api]').getAttribute('class')).toBe('idle');
    await expect.poll(() => p.locator('[data-rr=start]').textContent(), { timeout: 30_000 }).toBe('Start 2 services');
    await expect.poll(() => p.locator('[data-rr=start]').isEnabled(), { timeout: 30_000 }).toBe(true);
    await p.locator('[data-rr=primary-admin]').check();
    await p.locator('[data-rr=runtime]').selectOption('docker');
    await shot(page, '11-plan-profile-and-closure');
    await p.locator('[data-rr=start]').click();
    await expect.poll(() => p.locator('[data-rr=state]').textContent(), { timeout: 90_000 }).toBe('READY');
    const runId = (await p.locator('[data-rr=run-id]').textContent()) ?? '';
    runIds.push(runId);
    const services = (await containersWithLabel(`${runIdLabel}=${runId}`)).map((c) => c.Labels['reporunner.dev/service']).sort();
    expect(services).toEqual(['admin', 'db']);
    expect(await p.locator('[data-rr=preview-primary]').textContent()).toMatch(/^http:\/\/127\.77\.\d+\.\d+:\d+/);
    // The toolbar badge counts the active run.
    await expect.poll(badgeText, { timeout: 10_000 }).toBe('1');
    expect(await badgeColor()).toEqual([9, 105, 218, 255]);
    await shot(page, '12-closure-ready');

    // The choices are remembered for this repository.
    await page.reload();
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 30_000 }).toContain('Dockerfile found');
    await runButton(page).click();
    await expect.poll(() => p.locator('[data-rr=run-id]').textContent(), { timeout: 15_000 }).toBe(runId);
    await p.locator('[data-rr=stop]').click();
    await expect.poll(() => p.locator('[data-rr=state]').textContent(), { timeout: 60_000 }).toBe('STOPPED');
    await expect.poll(badgeText, { timeout: 10_000 }).toBe('');
    await p.locator('[data-rr=run-again]').click();
    await expect.poll(() => p.locator('[data-rr=start]').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await p.locator('[data-rr=profile-tools]').isChecked()).toBe(true);
    expect(await p.locator('[data-rr=pick-admin]').isChecked()).toBe(true);
    expect(await p.locator('[data-rr=primary-admin]').isChecked()).toBe(true);
    expect(await p.locator('[data-rr=runtime]').inputValue()).toBe('docker');
    await panel(page).locator('[data-rr=close]').click();
  });

  it("a page's own scripts start nothing: synthetic clicks, forged messages, no unsafe options", async () => {
    await page.goto('https://github.com/acme/unsafe-app');
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 45_000 }).toBe('compose found (1 service)');
    const before = engineRuns().filter((r) => r.repo === 'unsafe-app').length;
    const pagesBefore = context.pages().length;

    // A script clicks "Run locally" the two ways a script can: nothing opens.
    await page.evaluate(() => {
      const button = document.querySelector<HTMLElement>('[data-rr=run-button]');
      button?.click();
      button?.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    });
    await page.waitForTimeout(1_000); // give a wrong panel every chance to appear
    expect(await panelFrame(page).count()).toBe(0);

    // A user's click opens the panel, in a frame the page can neither read nor script.
    await runButton(page).click();
    await expect.poll(() => panel(page).locator('[data-rr=refusals]').textContent(), { timeout: 30_000 }).toContain('pid');
    const reach = await page.evaluate((id) => {
      const frame = document.querySelector<HTMLIFrameElement>('iframe[data-rr=panel-frame]');
      let readable = true;
      try {
        void frame?.contentWindow?.document.body;
      } catch {
        readable = false;
      }
      // Forged messages: into the panel frame, to the content script, to the extension.
      const forged = { kind: 'request', id: 1, method: 'start', params: { source: location.href, options: { allowUnsafe: true } } };
      frame?.contentWindow?.postMessage(forged, '*');
      frame?.contentWindow?.postMessage({ kind: 'openConsent', choices: {} }, '*');
      window.postMessage({ reporunnerPanel: { kind: 'height', height: 1 } }, '*');
      window.postMessage(forged, '*');
      const runtime = (globalThis as { chrome?: { runtime?: { connect?: (id: string, info: object) => { postMessage(m: unknown): void } } } }).chrome?.runtime;
      let extensionReachable = false;
      try {
        const port = runtime?.connect?.(id, { name: 'reporunner' });
        port?.postMessage(forged);
        extensionReachable = !!port;
      } catch {
        extensionReachable = false;
      }
      // Synthetic clicks on the frame land on the frame element, not on the panel's buttons.
      frame?.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 300, clientY: 300 }));
      return { readable, contentDocument: frame?.contentDocument ?? null, extensionReachable, height: frame?.getBoundingClientRect().height ?? 0 };
    }, extensionId);
    expect(reach.readable).toBe(false);
    expect(reach.contentDocument).toBeNull();
    expect(reach.extensionReachable).toBe(false);
    expect(reach.height).toBeGreaterThan(1); // the page's "height" message was not the frame's

    // Even the panel frame, an extension page inside the web page, is the web page to the
    // worker: no unsafe options, values, local paths or settings, and its repository is the tab's.
    const frame = page.frames().find((f) => f.url().startsWith(`chrome-extension://${extensionId}/panel.html`));
    if (!frame) throw new Error('the panel frame is missing');
    const answers = await frame.evaluate(async () => {
      const port = chrome.runtime.connect({ name: 'reporunner' });
      const ask = (id: number, method: string, params: object) =>
        new Promise<{ result?: Record<string, unknown>; error?: { code: string } }>((resolve) => {
          const listener = (m: { kind?: string; id?: number; result?: Record<string, unknown>; error?: { code: string } }) => {
            if (m.kind !== 'response' || m.id !== id) return;
            port.onMessage.removeListener(listener);
            resolve(m);
          };
          port.onMessage.addListener(listener);
          port.postMessage({ kind: 'request', id, method, params });
        });
      const out = {
        unsafe: await ask(1, 'start', { source: 'https://github.com/acme/unsafe-app', options: { allowUnsafe: true } }),
        values: await ask(2, 'plan', { source: 'https://github.com/acme/unsafe-app', options: { values: { TOKEN: 'x' } } }),
        local: await ask(3, 'detect', { source: '/etc' }),
        settings: await ask(4, 'settings', { set: { defaultRuntime: 'docker' } }),
        other: await ask(5, 'detect', { source: 'https://github.com/acme/hello-web' }),
      };
      port.disconnect();
      return out;
    });
    expect(answers.unsafe.error?.code).toBe('extension.needs_consent');
    expect(answers.values.error?.code).toBe('extension.needs_consent');
    expect(answers.local.error?.code).toBe('extension.needs_consent');
    expect(answers.settings.error?.code).toBe('extension.needs_consent');
    // Asked about hello-web (a Dockerfile), answered about the tab's unsafe-app (compose only).
    expect(answers.other.result?.compose).toBe(true);
    expect(answers.other.result?.dockerfile).toBe(false);

    // Nothing started and no consent page opened.
    await page.waitForTimeout(1_000);
    expect(engineRuns().filter((r) => r.repo === 'unsafe-app').length).toBe(before);
    expect(context.pages().length).toBe(pagesBefore);
    expect(await panel(page).locator('[data-rr=state]').count()).toBe(0);
    await shot(page, '15b-page-scripts-refused');
    await panel(page).locator('[data-rr=close]').click();
    await expect.poll(() => panelFrame(page).count()).toBe(0);
  });

  it('refused options are allowed only on the extension consent page, for one run', async () => {
    await page.goto('https://github.com/acme/unsafe-app');
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 45_000 }).toBe('compose found (1 service)');
    await runButton(page).click();
    const p = panel(page);
    await expect.poll(() => p.locator('[data-rr=refusals]').textContent(), { timeout: 30_000 }).toContain('pid');
    expect(await p.locator('[data-rr=start]').isDisabled()).toBe(true);
    const consentPage = context.waitForEvent('page');
    await p.locator('[data-rr=review]').click();
    const consent = await consentPage;
    await consent.waitForLoadState();
    expect(consent.url()).toContain(`chrome-extension://${extensionId}/consent.html`);
    expect(await consent.locator('[data-rr=source]').textContent()).toBe('https://github.com/acme/unsafe-app');
    await expect.poll(() => consent.locator('[data-rr=consent-refused]').textContent(), { timeout: 30_000 }).toContain('pid');
    expect(await consent.locator('[data-rr=consent-start]').isDisabled()).toBe(true); // not before the tick
    await consent.locator('[data-rr=consent-check]').check();
    await consent.locator('[data-rr=consent-start]').click();
    await expect.poll(() => consent.locator('[data-rr=consent-result]').textContent(), { timeout: 30_000 }).toMatch(/^Started run \w+/);
    await consent.screenshot({ path: join(artifacts, '16-consent-started.png'), fullPage: true });
    const runId = /Started run (\w+)/.exec((await consent.locator('[data-rr=consent-result]').textContent()) ?? '')?.[1] ?? '';
    runIds.push(runId);
    await consent.close();
    // The panel on GitHub follows the run the consent page started.
    await p.locator('[data-rr=close]').click();
    await runButton(page).click();
    await expect.poll(() => p.locator('[data-rr=run-id]').textContent(), { timeout: 15_000 }).toBe(runId);
    await expect.poll(() => p.locator('[data-rr=state]').textContent(), { timeout: 90_000 }).toMatch(/^(READY|FAILED)$/);
    if ((await p.locator('[data-rr=state]').textContent()) === 'FAILED') throw new Error(`the allowed run failed: ${await p.locator('[data-rr=diagnosis]').textContent()}`);
    await p.locator('[data-rr=stop]').click();
    await expect.poll(() => p.locator('[data-rr=state]').textContent(), { timeout: 60_000 }).toBe('STOPPED');
    await p.locator('[data-rr=close]').click();
  });

  it('says which phase a failed run failed in, why, and its last lines', async () => {
    await page.goto('https://github.com/acme/broken-build');
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 45_000 }).toBe('Dockerfile found');
    await runButton(page).click();
    await expect.poll(() => panel(page).locator('[data-rr=start]').isEnabled(), { timeout: 30_000 }).toBe(true);
    await panel(page).locator('[data-rr=start]').click();
    await expect.poll(() => panel(page).locator('[data-rr=state]').textContent(), { timeout: 60_000 }).toBe('FAILED');
    runIds.push((await panel(page).locator('[data-rr=run-id]').textContent()) ?? '');
    expect(await panel(page).locator('[data-rr=phase-BUILDING]').getAttribute('class')).toBe('failed');
    expect(await panel(page).locator('[data-rr=phase-READY]').getAttribute('class')).toBe('pending');
    const diagnosis = (await panel(page).locator('[data-rr=diagnosis]').textContent()) ?? '';
    expect(diagnosis).toContain('Failed while building');
    expect(diagnosis).toContain('unexpected token');
    expect(await panel(page).locator('[data-rr=stop]').count()).toBe(0); // nothing left to stop
    expect(await panel(page).locator('[data-rr=run-again]').count()).toBe(1);
    // A failure it saw happen turns the badge red until the popup is opened.
    await expect.poll(badgeColor, { timeout: 10_000 }).toEqual([207, 34, 46, 255]);
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await expect.poll(badgeColor, { timeout: 10_000 }).toEqual([9, 105, 218, 255]);
    await popup.close();
    await shot(page, '07-failed-build');
  });

  it('follows GitHub client-side navigation and layout changes', async () => {
    await page.goto(helloUrl);
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 30_000 }).toBe('Dockerfile found');
    expect(await panelFrame(page).count()).toBe(0); // a full page load leaves no panel behind

    // pushState to another repository: the old button goes, a new one comes with that repo's detection.
    await softNavigate(page, '/acme/compose-app');
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 45_000 }).toBe('compose found (3 services)');
    expect(await runButton(page).count()).toBe(1);
    // Its panel shows the compose plan: three services, the one with a published port primary.
    await runButton(page).click();
    await expect.poll(() => panel(page).locator('[data-rr=services] li').count(), { timeout: 30_000 }).toBe(3);
    expect(await panel(page).locator('[data-rr=mode]').textContent()).toBe('Compose');
    expect(await panel(page).locator('[data-rr=services] li', { hasText: 'primary' }).textContent()).toContain('web');
    await shot(page, '08-after-pushstate-compose');
    await panel(page).locator('[data-rr=close]').click();

    // GitHub re-renders the header without our button: it comes back.
    await page.evaluate(() => {
      const old = document.querySelector('#repository-details-container');
      const fresh = old?.cloneNode(true) as HTMLElement | undefined;
      fresh?.querySelector('[data-rr=action-item]')?.remove();
      if (old && fresh) old.replaceWith(fresh);
    });
    await expect.poll(() => page.locator('#repository-details-container [data-rr=run-button]').count(), { timeout: 5_000 }).toBe(1);

    // A page that is not a repository: no button.
    await softNavigate(page, '/features');
    await expect.poll(() => runButton(page).count(), { timeout: 5_000 }).toBe(0);

    // A repository view whose header has no actions list: the floating button stands in.
    await softNavigate(page, '/acme/hello-web/tree/main');
    await expect.poll(() => page.locator('[data-rr=floating] [data-rr=detect-label]').textContent(), { timeout: 30_000 }).toBe('Dockerfile found');
    await page.mouse.move(0, 0); // resting colours: the pointer may still be where an earlier click left it
    await shot(page, '09-floating-button');
    await page.locator('[data-rr=floating] [data-rr=run-button]').click();
    await expect.poll(() => panel(page).locator('[data-rr=detection]').textContent(), { timeout: 30_000 }).toBe('Dockerfile found');
  });

  it("the Run locally button looks like GitHub's own buttons, light and dark", async () => {
    await page.goto(helloUrl);
    await expect.poll(() => detectLabel(page).textContent(), { timeout: 30_000 }).toBe('Dockerfile found');
    const look = (selector: string) =>
      page.locator(selector).first().evaluate((el) => {
        const c = getComputedStyle(el);
        return { background: c.backgroundColor, color: c.color, border: c.borderTopColor, radius: c.borderRadius, font: c.fontSize, height: el.getBoundingClientRect().height };
      });
    await page.mouse.move(0, 0);
    for (const mode of ['light', 'dark']) {
      await page.evaluate((m) => (document.documentElement.dataset.colorMode = m), mode);
      const ours = await look('[data-rr=run-button]');
      expect(ours).toEqual(await look('#fork-button'));
      expect(ours.background).toBe(mode === 'light' ? 'rgb(246, 248, 250)' : 'rgb(33, 40, 48)');
      await shot(page, `13-button-${mode}`);
    }
    // The floating button (no header to join) follows GitHub's theme variables too.
    await softNavigate(page, '/acme/hello-web/tree/main');
    await expect.poll(() => page.locator('[data-rr=floating] [data-rr=detect-label]').textContent(), { timeout: 30_000 }).toBe('Dockerfile found');
    await page.mouse.move(0, 0); // resting colours: the pointer may still be where an earlier click left it
    for (const mode of ['light', 'dark']) {
      await page.evaluate((m) => (document.documentElement.dataset.colorMode = m), mode);
      const bg = await page.locator('[data-rr=floating] [data-rr=run-button]').evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(bg).toBe(mode === 'light' ? 'rgb(246, 248, 250)' : 'rgb(33, 40, 48)');
    }
  });

  it('the options page shows the bridge with the app stopped, then starts it', async () => {
    await page.goto('https://github.com/features'); // no repository page keeps asking the app
    await harness.stopEngine();
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    const cell = (rr: string) => options.locator(`[data-rr=${rr}]`);
    await expect.poll(() => cell('app-running').textContent(), { timeout: 15_000 }).toBe('not running');
    expect(await cell('host-manifest').textContent()).toBe('found');
    expect(await cell('host-version').textContent()).toMatch(/^\d+\.\d+/);
    expect(await cell('protocol').textContent()).toBe('extension 2 · host 2');
    expect(harness.servePid() === null || !(await isAlive(harness.servePid() ?? 0))).toBe(true); // asking started nothing
    await options.screenshot({ path: join(artifacts, '14-options-app-stopped.png'), fullPage: true });
    await cell('start-app').click();
    await expect.poll(() => cell('app-running').textContent(), { timeout: 30_000 }).toBe('running');
    expect(await cell('app-version').textContent()).toMatch(/^\d+\.\d+/);
    expect(await cell('protocol').textContent()).toBe('extension 2 · host 2 · app 2');
    expect(await cell('start-app').isHidden()).toBe(true);
    expect(harness.servePid()).not.toBeNull();
    await options.screenshot({ path: join(artifacts, '15-options-app-running.png'), fullPage: true });
    // The default runtime is kept for new repositories.
    await cell('default-runtime').selectOption('docker');
    await expect.poll(() => worker.evaluate(() => chrome.storage.local.get('reporunner.runtime'))).toEqual({ 'reporunner.runtime': 'docker' });
    await options.close();
  });
});
