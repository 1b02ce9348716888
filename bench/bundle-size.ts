/**
 * Bundle size of each subpath export: esbuild, minified, ESM, gzipped (level 9), with the peer and
 * runtime dependencies xstate, rxjs and jssip left out (fast-deep-equal, a few hundred bytes, is
 * bundled in). Baseline in the same run: the same treatment applied to what the core leaves external
 * (xstate + rxjs as the core imports them), for scale; the ratio is against the 15 KB target.
 */
import { build } from 'esbuild';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { report, row, type Row } from './lib/measure';

const root = process.cwd(); // npm run bench runs from the package root
const EXTERNAL = ['xstate', 'rxjs', 'jssip'];
const TARGET_KB = 15;

async function gzippedKb(entry: { path?: string; contents?: string }, external: string[]): Promise<{ minKb: number; gzKb: number }> {
  const result = await build({
    ...(entry.path ? { entryPoints: [entry.path] } : { stdin: { contents: entry.contents!, resolveDir: root, loader: 'ts' } }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { minKb: code.byteLength / 1024, gzKb: gzipSync(code, { level: 9 }).byteLength / 1024 };
}

async function main(): Promise<void> {
  const entries: Array<[string, string]> = [
    ['callstate', 'src/index.ts'],
    ['callstate/memory', 'adapters/memory/index.ts'],
    ['callstate/jssip', 'adapters/jssip/index.ts'],
  ];
  // What the core's own imports of xstate and rxjs cost when bundled the same way (tree-shaken).
  const deps = await gzippedKb(
    { contents: `export * from ${JSON.stringify(join(root, 'src/index.ts'))};` },
    ['jssip', 'fast-deep-equal'],
  );
  const core = await gzippedKb({ path: join(root, 'src/index.ts') }, EXTERNAL);
  const depsOnlyKb = deps.gzKb - core.gzKb;
  const rows: Row[] = [];
  for (const [name, path] of entries) {
    const size = await gzippedKb({ path: join(root, path) }, EXTERNAL);
    const isCore = name === 'callstate';
    rows.push(
      row({
        measure: `${name} min+gz (min ${size.minKb.toFixed(1)} KB)`,
        unit: 'KB',
        p50: size.gzKb,
        baseline: isCore ? `15 KB target; xstate+rxjs as the core uses them: ${depsOnlyKb.toFixed(1)} KB` : 'none (no target)',
        baselineP50: isCore ? TARGET_KB : null,
        ratio: isCore ? size.gzKb / TARGET_KB : null,
        target: isCore ? `≤ ${TARGET_KB} KB` : null,
        met: isCore ? size.gzKb <= TARGET_KB : null,
      }),
    );
  }
  report({
    id: 'bundle-size',
    title: '6. bundle size',
    rows,
    notes: [
      `esbuild minified ESM, gzip -9; xstate, rxjs, jssip external (fast-deep-equal bundled). The core together with the tree-shaken xstate+rxjs it imports: ${deps.gzKb.toFixed(1)} KB.`,
    ],
  });
}

void main();
