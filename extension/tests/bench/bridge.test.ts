// bench_bridge: how long a request takes from the extension's service worker through
// Chromium's native messaging, reporunner-nativehost and the engine, and back; for a small
// request (hello) and a 200-line log batch (logs). The host's own share is measured apart:
// the same requests sent straight to the host's pipes (no browser), and straight to the
// engine's socket (no host). Every figure printed comes from samples taken in this run; a
// missing tool (Chromium, the host, Docker, busybox:1.36) fails the run.
//   REPORUNNER_NATIVEHOST=build/dev/nativehost/reporunner-nativehost npm run bench:bridge
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionId, nativeHostName } from '../../src/shared/messages';
import { protocolVersion } from '../../src/shared/generated/protocol';
import { dockerAnswers, imageExists, removeLabelled } from '../e2e/docker';
import { fixturesDir, Harness, requiredEnv } from '../e2e/harness';
import type { Worker } from 'playwright-core';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 1000);
const warmup = Math.min(50, Math.max(5, Math.floor(iterations / 10)));
const logBatch = 200;

let harness: Harness;
let worker: Worker;
let artifacts = '';
let runId = '';

interface Call {
  method: string;
  params: Record<string, unknown>;
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

function summary(samples: number[]): { n: number; p50: number; p99: number; max: number } {
  if (samples.length !== iterations) throw new Error(`expected ${iterations} samples, measured ${samples.length}`);
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) as number };
}

// Extension → Chromium → host → engine → back, timed inside the service worker.
async function throughBrowser(call: Call): Promise<number[]> {
  return worker.evaluate(
    async ({ host, call, iterations, warmup }) => {
      const port = chrome.runtime.connectNative(host);
      let answer: ((m: { id?: number; error?: unknown; result?: unknown }) => void) | null = null;
      port.onMessage.addListener((m: { id?: number }) => {
        if (m.id !== undefined && answer) answer(m);
      });
      const once = (id: number) =>
        new Promise<{ id?: number; error?: unknown; result?: unknown }>((resolve) => {
          answer = resolve;
          port.postMessage({ id, method: call.method, params: call.params });
        });
      const times: number[] = [];
      for (let i = 0; i < warmup + iterations; i++) {
        const t0 = performance.now();
        const reply = await once(i + 1);
        const t1 = performance.now();
        if (reply.id !== i + 1 || reply.error !== undefined) throw new Error(`bad reply: ${JSON.stringify(reply).slice(0, 300)}`);
        if (i >= warmup) times.push(t1 - t0);
      }
      port.disconnect();
      return times;
    },
    { host: nativeHostName, call, iterations, warmup },
  );
}

type Reply = { id?: number; error?: unknown };
type Endian = 'LE' | 'BE'; // Chrome's framing is native (little) endian, the engine's big endian

// Reads length-prefixed JSON messages from a stream and hands replies (messages with an id) on.
function readReplies(stream: NodeJS.ReadableStream, endian: Endian, onReply: (m: Reply) => void): void {
  let buffer = Buffer.alloc(0);
  const length = () => (endian === 'LE' ? buffer.readUInt32LE(0) : buffer.readUInt32BE(0));
  stream.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4 && buffer.length >= 4 + length()) {
      const m = JSON.parse(buffer.subarray(4, 4 + length()).toString()) as Reply;
      buffer = buffer.subarray(4 + length());
      if (m.id !== undefined) onReply(m);
    }
  });
}

function frame(message: unknown, endian: Endian): Buffer {
  const body = Buffer.from(JSON.stringify(message));
  const head = Buffer.alloc(4);
  if (endian === 'LE') head.writeUInt32LE(body.length);
  else head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

// Times warm-up + `iterations` round trips one after another over a framed stream pair,
// keeping the last `iterations`.
async function timeRoundTrips(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, endian: Endian, message: (id: number) => unknown): Promise<number[]> {
  let answer: ((m: Reply) => void) | null = null;
  readReplies(input, endian, (m) => answer?.(m));
  const times: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    const reply = await new Promise<Reply>((resolve) => {
      answer = resolve;
      output.write(frame(message(i + 1), endian));
    });
    const t1 = performance.now();
    if (reply.id !== i + 1 || reply.error !== undefined) throw new Error(`bad reply: ${JSON.stringify(reply).slice(0, 300)}`);
    if (i >= warmup) times.push(t1 - t0);
  }
  return times;
}

// Node → the host's stdin/stdout (Chrome's framing) → engine → back: no browser.
async function throughHost(call: Call, nativeHost: string): Promise<number[]> {
  const child = spawn(nativeHost, [`chrome-extension://${extensionId}/`], { env: { ...process.env, XDG_RUNTIME_DIR: harness.runtimeDir }, stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    return await timeRoundTrips(child.stdout, child.stdin, 'LE', (id) => ({ id, method: call.method, params: call.params }));
  } finally {
    child.stdin.end();
  }
}

// Node → the engine's socket (4-byte big-endian length + JSON with "v") → back: no host.
async function direct(call: Call): Promise<number[]> {
  const socket = createConnection(join(harness.runtimeDir, 'reporunner', 'control.sock'));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  try {
    return await timeRoundTrips(socket, socket, 'BE', (id) => ({ v: protocolVersion, id, method: call.method, params: call.params }));
  } finally {
    socket.end();
  }
}

// One request through the worker's extension client, as the panel makes it.
async function viaExtension(method: string, params: Record<string, unknown>): Promise<unknown> {
  return worker.evaluate(
    async ({ host, method, params }) => {
      const port = chrome.runtime.connectNative(host);
      const reply = await new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
        port.onMessage.addListener((m: { id?: number; result?: unknown; error?: unknown }) => {
          if (m.id === 1) resolve(m);
        });
        port.postMessage({ id: 1, method, params });
      });
      port.disconnect();
      if (reply.error) throw new Error(JSON.stringify(reply.error));
      return reply.result;
    },
    { host: nativeHostName, method, params },
  );
}

beforeAll(async () => {
  const env = requiredEnv();
  artifacts = env.artifacts;
  if (!(await dockerAnswers())) throw new Error('no Docker daemon answers on /var/run/docker.sock: run scripts/start-dockerd.sh');
  if (!(await imageExists('busybox:1.36'))) throw new Error('the local image busybox:1.36 is missing: run scripts/busybox-image.sh');
  if (!Number.isInteger(iterations) || iterations < 20) throw new Error('BENCH_ITERATIONS must be a whole number of at least 20');
  harness = new Harness(env.nativeHost);
  harness.publish('acme', 'log-lines', join(fixturesDir, 'repos/log-lines'));
  await harness.startGitDaemon();
  harness.installHostManifest();
  ({ worker } = await harness.launch());
  // A run whose service has printed its 250 lines: the source of the log batch.
  const started = (await viaExtension('start', { source: 'https://github.com/acme/log-lines', options: { runtime: 'docker', idempotencyKey: 'bench-bridge' } })) as { run: { id: string } };
  runId = started.run.id;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const got = (await viaExtension('logs', { runId, service: 'log-lines', from: 0, count: logBatch })) as { lines: unknown[] };
    if (got.lines.length === logBatch) break;
    if (Date.now() > deadline) throw new Error(`the run ${runId} did not log ${logBatch} lines in 120 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
});

afterAll(async () => {
  if (runId) await viaExtension('stop', { runId }).catch(() => {});
  await harness?.close();
  if (runId) await removeLabelled(`reporunner.dev/run-id=${runId}`).catch(() => {});
});

describe('bench_bridge', () => {
  it('measures round trips through Chromium, the host and the engine', async () => {
    const nativeHost = requiredEnv().nativeHost;
    const calls: Record<string, Call> = {
      small: { method: 'hello', params: { client: 'bench', version: protocolVersion } },
      logs200: { method: 'logs', params: { runId, service: 'log-lines', from: 0, count: logBatch } },
    };
    const batch = (await viaExtension('logs', calls.logs200?.params ?? {})) as { lines: unknown[] };
    expect(batch.lines).toHaveLength(logBatch);
    const batchBytes = JSON.stringify(batch).length;
    const results: Record<string, Record<string, ReturnType<typeof summary>>> = {};
    for (const [name, call] of Object.entries(calls)) {
      results[name] = {
        browser: summary(await throughBrowser(call)),
        host: summary(await throughHost(call, nativeHost)),
        direct: summary(await direct(call)),
      };
    }
    const ms = (v: number) => `${v.toFixed(3)} ms`;
    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    const lines = [
      `bench_bridge: ${iterations} round trips each after ${warmup} warm-up; log batch = ${logBatch} lines, ${batchBytes} bytes of JSON`,
      `machine: ${cpus().length} cores, load average ${load} (1/5/15 min) at the end`,
    ];
    for (const [name, r] of Object.entries(results)) {
      const b = r.browser as ReturnType<typeof summary>;
      const hst = r.host as ReturnType<typeof summary>;
      const d = r.direct as ReturnType<typeof summary>;
      lines.push(
        `${name.padEnd(8)} extension→host→app→back  p50 ${ms(b.p50)}  p99 ${ms(b.p99)}  max ${ms(b.max)}`,
        `${''.padEnd(8)} host pipes→app→back      p50 ${ms(hst.p50)}  p99 ${ms(hst.p99)}`,
        `${''.padEnd(8)} app socket direct        p50 ${ms(d.p50)}  p99 ${ms(d.p99)}`,
        // Percentiles do not subtract: the shares are differences of medians only.
        `${''.padEnd(8)} host's own added latency ${ms(hst.p50 - d.p50)} (p50 host path − p50 direct); browser's ${ms(b.p50 - hst.p50)} (p50 extension − p50 host path)`,
      );
    }
    console.log(lines.join('\n'));
    writeFileSync(join(artifacts, 'bench_bridge.json'), JSON.stringify({ iterations, warmup, logBatch, batchBytes, loadavg: loadavg(), results }, null, 2));
    for (const r of Object.values(results)) for (const s of Object.values(r)) expect(s.p50).toBeGreaterThan(0);
  });
});
