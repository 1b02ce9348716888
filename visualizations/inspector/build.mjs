#!/usr/bin/env node
// Builds the offline inspector page: bundles page.ts (with src/inspect/view-model.ts) for the
// browser with esbuild, and copies index.html, inspector.css and the statechart diagrams
// (visualizations/phone.svg and call.svg, when they exist) next to it.
//   node visualizations/inspector/build.mjs [--outdir DIR] [--cli] [--run [relay options]]
// --cli also bundles the relay's command line (src/inspect/cli.ts) into DIR/cli.cjs; --run (what
// `npm run inspect` does) then runs it in this same process, so the process npm started is the server
// and a signal that stops it stops the server.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const outdirIndex = args.indexOf('--outdir');
const outdir = resolve(outdirIndex >= 0 ? args[outdirIndex + 1] : join(here, 'dist'));

export async function buildInspectorPage(target = outdir, { cli = false } = {}) {
  mkdirSync(target, { recursive: true });
  await build({
    entryPoints: [join(here, 'page.ts')],
    outfile: join(target, 'inspector.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(target, 'index.html'));
  copyFileSync(join(here, 'inspector.css'), join(target, 'inspector.css'));
  for (const name of ['phone.svg', 'call.svg']) {
    const source = join(root, 'visualizations', name);
    if (existsSync(source)) copyFileSync(source, join(target, name));
  }
  if (cli) {
    await build({
      entryPoints: [join(root, 'src/inspect/cli.ts')],
      outfile: join(target, 'cli.cjs'),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: ['ws'],
      logLevel: 'warning',
    });
  }
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runIndex = args.indexOf('--run');
  const run = runIndex >= 0;
  await buildInspectorPage(outdir, { cli: run || args.includes('--cli') });
  if (run) {
    // The relay's command line reads process.argv: hand it only what follows --run.
    process.argv = [process.argv[0], join(outdir, 'cli.cjs'), ...args.slice(runIndex + 1)];
    createRequire(import.meta.url)(join(outdir, 'cli.cjs'));
  }
}
