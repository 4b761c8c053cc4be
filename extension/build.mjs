// Bundles the extension into dist/: the worker, the content script, the popup, options and
// consent pages, plus the
// manifest and static files. `node build.mjs` (npm run build also type-checks first).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFile, cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');

// The protocol's TypeScript types come from engine/ipc/protocol.json, freshly each build.
execFileSync(process.execPath, [join(here, 'scripts/genprotocol.mjs')], { stdio: 'inherit' });
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: {
    worker: join(here, 'src/background/worker.ts'),
    content: join(here, 'src/content/content.ts'),
    popup: join(here, 'src/popup/popup.ts'),
    options: join(here, 'src/options/options.ts'),
    consent: join(here, 'src/consent/consent.ts'),
    panel: join(here, 'src/panel/panel.ts'),
  },
  outdir: out,
  bundle: true,
  format: 'iife',
  target: 'chrome116',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
for (const [from, to] of [
  ['manifest.json', 'manifest.json'],
  ['src/popup/popup.html', 'popup.html'],
  ['src/popup/popup.css', 'popup.css'],
  ['src/options/options.html', 'options.html'],
  ['src/options/pages.css', 'pages.css'],
  ['src/consent/consent.html', 'consent.html'],
  ['src/panel/panel.html', 'panel.html'],
])
  await copyFile(join(here, from), join(out, to));
await cp(join(here, 'icons'), join(out, 'icons'), { recursive: true, filter: (f) => !f.endsWith('.svg') });
console.log(`extension built into ${out}`);
