// Everything the end-to-end test stands up around Chromium: private XDG folders, bare git
// repositories served by `git daemon` as a GitHub mirror, the native host's manifest, and the
// browser itself with the built extension loaded. And how to take it all down again.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';
import { extensionId, nativeHostName } from '../../src/shared/messages';

export const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sourceDir = process.env.REPORUNNER_SOURCE_DIR ?? resolve(extensionDir, '..');
export const fixturesDir = join(extensionDir, 'tests/fixtures');
export const distDir = join(extensionDir, 'dist');
export const chromiumPath = process.env.REPORUNNER_CHROMIUM ?? '/usr/lib/chromium/chromium';

export function requiredEnv(): { nativeHost: string; artifacts: string } {
  const nativeHost = process.env.REPORUNNER_NATIVEHOST;
  if (!nativeHost || !existsSync(nativeHost))
    throw new Error(
      'REPORUNNER_NATIVEHOST must name a built reporunner-nativehost (e.g. build/dev/nativehost/reporunner-nativehost, ' +
        'with build/dev/app/cli/reporunner next to it); run this test through ctest or scripts/test.sh.',
    );
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
  if (!existsSync(join(distDir, 'manifest.json'))) throw new Error('extension/dist is missing: npm run build');
  // Screenshots go next to the build tree that holds the host unless told otherwise.
  const artifacts = process.env.REPORUNNER_ARTIFACTS ?? join(dirname(dirname(resolve(nativeHost))), 'artifacts', 'extension');
  mkdirSync(artifacts, { recursive: true });
  return { nativeHost: resolve(nativeHost), artifacts };
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.on('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        res(true);
      });
      socket.on('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'pipe',
    env: { ...process.env, GIT_AUTHOR_NAME: 'RepoRunner Test', GIT_AUTHOR_EMAIL: 'test@reporunner.invalid', GIT_COMMITTER_NAME: 'RepoRunner Test', GIT_COMMITTER_EMAIL: 'test@reporunner.invalid', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() },
  });
}

export class Harness {
  readonly root = mkdtempSync(join(tmpdir(), 'rr-e2e-'));
  readonly home = join(this.root, 'home');
  readonly runtimeDir = join(this.root, 'run');
  readonly dataDir = join(this.root, 'data');
  readonly cacheDir = join(this.root, 'cache');
  readonly profile = join(this.root, 'profile');
  readonly gitRoot = join(this.root, 'git');
  gitPort = 0;
  context: BrowserContext | null = null;
  private daemon: ChildProcess | null = null;

  constructor(private readonly nativeHost: string) {
    for (const d of [this.home, this.runtimeDir, this.dataDir, this.cacheDir, this.profile, this.gitRoot]) mkdirSync(d, { recursive: true });
    chmodSync(this.runtimeDir, 0o700);
  }

  // Publishes a folder as a bare repository <gitRoot>/<owner>/<repo>.git with one commit on "main".
  publish(owner: string, repo: string, folder: string): void {
    const work = join(this.root, 'work', owner, repo);
    mkdirSync(work, { recursive: true });
    cpSync(folder, work, { recursive: true });
    git(work, 'init', '-q', '-b', 'main');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', `${repo}: initial import`);
    mkdirSync(join(this.gitRoot, owner), { recursive: true });
    git(this.root, 'clone', '-q', '--bare', work, join(this.gitRoot, owner, `${repo}.git`));
  }

  async startGitDaemon(): Promise<void> {
    this.gitPort = await freePort();
    this.daemon = spawn('git', ['daemon', '--reuseaddr', `--base-path=${this.gitRoot}`, '--export-all', '--listen=127.0.0.1', `--port=${this.gitPort}`, this.gitRoot], { stdio: 'ignore' });
    await waitForPort(this.gitPort, 10_000);
  }

  // What a developer runs: scripts/install-native-host.sh with the installer's manifest template,
  // into the one folder Chromium reads when --user-data-dir is set.
  installHostManifest(): void {
    execFileSync(join(sourceDir, 'scripts/install-native-host.sh'), ['--host', this.nativeHost, '--dir', join(this.profile, 'NativeMessagingHosts')], { stdio: 'pipe' });
    const manifest = JSON.parse(readFileSync(join(this.profile, 'NativeMessagingHosts', `${nativeHostName}.json`), 'utf8')) as { path: string; allowed_origins: string[] };
    if (manifest.path !== this.nativeHost || manifest.allowed_origins[0] !== `chrome-extension://${extensionId}/`)
      throw new Error(`install-native-host.sh wrote an unexpected manifest: ${JSON.stringify(manifest)}`);
  }

  // A stand-in native host that speaks another protocol version: it answers host.status and
  // hello with `protocol` and every other request with an error, in Chrome's framing.
  installFakeHost(protocol: number): void {
    const script = join(this.root, 'fake-nativehost.mjs');
    writeFileSync(
      script,
      `#!${process.execPath}
let buffer = Buffer.alloc(0);
const send = (m) => { const body = Buffer.from(JSON.stringify(m)); const head = Buffer.alloc(4); head.writeUInt32LE(body.length); process.stdout.write(Buffer.concat([head, body])); };
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32LE(0)) {
    const m = JSON.parse(buffer.subarray(4, 4 + buffer.readUInt32LE(0)).toString());
    buffer = buffer.subarray(4 + buffer.readUInt32LE(0));
    if (m.method === 'host.status') send({ id: m.id, result: { host: 'fake', version: '0.0.1', protocol: ${protocol}, appRunning: true } });
    else if (m.method === 'hello') send({ id: m.id, result: { server: 'reporunner', version: '0.0.1', protocol: ${protocol} } });
    else send({ id: m.id, error: { code: 'test.old_app', message: 'an app of protocol ${protocol} does not know ' + m.method } });
  }
});
process.stdin.on('end', () => process.exit(0));
`,
    );
    chmodSync(script, 0o755);
    const dir = join(this.profile, 'NativeMessagingHosts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${nativeHostName}.json`),
      JSON.stringify({ name: nativeHostName, description: 'fake RepoRunner host of another protocol version', path: script, type: 'stdio', allowed_origins: [`chrome-extension://${extensionId}/`] }),
    );
  }

  removeHostManifest(): void {
    rmSync(join(this.profile, 'NativeMessagingHosts', `${nativeHostName}.json`), { force: true });
  }

  async launch(): Promise<{ context: BrowserContext; worker: Worker }> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, {
      HOME: this.home,
      XDG_RUNTIME_DIR: this.runtimeDir,
      XDG_DATA_HOME: this.dataDir,
      XDG_CACHE_HOME: this.cacheDir,
      XDG_CONFIG_HOME: join(this.home, '.config'),
      REPORUNNER_GITHUB_MIRROR: `git://127.0.0.1:${this.gitPort}/`,
    });
    delete env.REPORUNNER_KUBE_CONTEXT;
    delete env.KUBECONFIG;
    const context = await chromium.launchPersistentContext(this.profile, {
      executablePath: chromiumPath,
      headless: false, // --headless=new is passed explicitly below
      ignoreDefaultArgs: ['--disable-extensions'],
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--disable-extensions-except=${distDir}`,
        `--load-extension=${distDir}`,
      ],
      env,
      viewport: { width: 1280, height: 900 },
    });
    this.context = context;
    let worker = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
    worker ??= await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(`chrome-extension://${extensionId}/`), timeout: 30_000 });
    // The worker target exists before its script has run.
    const deadline = Date.now() + 15_000;
    while (!(await worker.evaluate(() => (globalThis as { reporunnerWorkerReady?: boolean }).reporunnerWorkerReady === true))) {
      if (Date.now() > deadline) throw new Error('the extension service worker did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    return { context, worker };
  }

  servePidFile(): string {
    return join(this.runtimeDir, 'reporunner', 'serve.pid');
  }

  // The `reporunner serve` the native host started, if any.
  servePid(): number | null {
    try {
      const pid = Number(readFileSync(this.servePidFile(), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }

  async stopEngine(): Promise<void> {
    const pid = this.servePid();
    if (pid === null) return;
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (!alive()) return;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive()) process.kill(pid, 'SIGKILL');
  }

  async close(): Promise<void> {
    // The browser first: with it gone nothing can start the engine again.
    await this.context?.close().catch(() => {});
    this.context = null;
    await this.stopEngine();
    this.daemon?.kill('SIGTERM');
    this.daemon = null;
    if (!process.env.REPORUNNER_KEEP_E2E) rmSync(this.root, { recursive: true, force: true });
  }
}
