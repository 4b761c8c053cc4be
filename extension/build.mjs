// Bundles the extension into dist/: the worker, the content script and the popup, plus the
// manifest and static files. `node build.mjs` (npm run build also type-checks first).
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: {
    worker: join(here, 'src/background/worker.ts'),
    content: join(here, 'src/content/content.ts'),
    popup: join(here, 'src/popup/popup.ts'),
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
])
  await copyFile(join(here, from), join(out, to));
console.log(`extension built into ${out}`);
