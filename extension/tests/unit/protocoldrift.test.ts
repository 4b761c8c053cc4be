// The build must break when engine/ipc/protocol.json and the extension's code disagree. This
// proves it on a copy: the extension's sources type-check against the real schema, and fail to
// once a copy of the schema renames a parameter the code sends.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const schemaPath = resolve(extensionDir, '../engine/ipc/protocol.json');
const work = mkdtempSync(join(tmpdir(), 'rr-drift-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

// Copies the extension's sources, generates their protocol types from `schema` and runs tsc.
function typecheck(name: string, schema: unknown): { ok: boolean; output: string } {
  const dir = join(work, name);
  cpSync(join(extensionDir, 'src'), join(dir, 'src'), { recursive: true, filter: (f) => !f.includes('/generated') });
  symlinkSync(join(extensionDir, 'node_modules'), join(dir, 'node_modules'));
  const tsconfig = JSON.parse(readFileSync(join(extensionDir, 'tsconfig.json'), 'utf8')) as { include: string[] };
  tsconfig.include = ['src'];
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  writeFileSync(join(dir, 'protocol.json'), JSON.stringify(schema));
  execFileSync(process.execPath, [join(extensionDir, 'scripts/genprotocol.mjs'), '--schema', join(dir, 'protocol.json'), '--out', join(dir, 'src/shared/generated/protocol.ts')]);
  try {
    execFileSync(process.execPath, [join(extensionDir, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output: '' };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

describe('one protocol definition', () => {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { methods: Record<string, Record<string, unknown>> };

  it('the extension type-checks against protocol.json as it is', () => {
    const r = typecheck('same', schema);
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  }, 90_000);

  it('a schema that renames a parameter the extension sends breaks its build', () => {
    const changed = structuredClone(schema);
    const stop = changed.methods.stop;
    if (!stop?.runId) throw new Error('protocol.json has no stop.runId to rename');
    stop.run = stop.runId;
    delete stop.runId;
    const r = typecheck('renamed', changed);
    expect(r.ok).toBe(false);
    // tsc names the call sites that still send the old name.
    expect(r.output).toMatch(/src\/(popup\/popup|content\/panelcontroller)\.ts.*'runId' does not exist in type 'StopParams'/);
  }, 90_000);

  it('a schema without a method the extension calls breaks its build', () => {
    const changed = structuredClone(schema);
    delete changed.methods.detect;
    const r = typecheck('removed', changed);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/src\/content\/content\.ts.*"detect"/);
  }, 90_000);
});
