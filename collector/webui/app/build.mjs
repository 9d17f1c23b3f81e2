// Bundles src/ into OUT_DIR: index.html plus assets/<name>-<hash>.{js,css}.
// Usage: node build.mjs NODE_MODULES_DIR OUT_DIR
// node_modules lives in the build directory (npm ci there), so it is passed in rather than found.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [modules, outDir] = process.argv.slice(2).map((p) => resolve(p));
if (!modules || !outDir) {
  console.error('usage: node build.mjs NODE_MODULES_DIR OUT_DIR');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const esbuild = createRequire(join(modules, 'noop.js'))('esbuild');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, 'assets'), { recursive: true });
const result = await esbuild.build({
  entryPoints: [join(here, 'src', 'main.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  nodePaths: [modules],
  outdir: join(outDir, 'assets'),
  entryNames: 'app-[hash]',
  // Pages with heavy libraries (Cytoscape.js on the Dependencies page) import them dynamically,
  // so they are chunks fetched when that page opens, not part of every page's first load.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// The shell names the hashed files; nothing inline, so the CSP can forbid inline scripts.
const outputs = Object.entries(result.metafile.outputs);
const entry = outputs.find(([, o]) => o.entryPoint);
const script = basename(entry[0]);
const style = basename(entry[1].cssBundle ?? outputs.find(([p]) => p.endsWith('.css'))[0]);
const shell = readFileSync(join(here, 'index.html'), 'utf8')
  .replace('%SCRIPT%', `assets/${script}`)
  .replace('%STYLE%', `assets/${style}`);
writeFileSync(join(outDir, 'index.html'), shell);
