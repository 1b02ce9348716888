#!/usr/bin/env node
// `npm run bench [-- --quick] [names…]`: type-checks and builds bench/*.ts, runs every benchmark in its
// own Node process (--expose-gc), prints one table and writes the same figures to
// bench/results/<date>.json. As root with iproute2, the benchmarks run inside a fresh network namespace
// that has only `lo` (like scripts/test.mjs), which is deleted afterwards with anything left in it;
// otherwise they run here and the Kamailio benchmark says that it was skipped and why.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const bin = (name) => join(root, 'node_modules/.bin', name);
const quiet = (cmd, a) => spawnSync(cmd, a, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

/** Benchmarks in the order they run; each file is bench/<id>.ts. */
const capture = args.includes('--capture-stats');
const BENCHMARKS = capture ? ['capture-stats'] : [
  'bundle-size',
  'core-event-path',
  'quality-report-cost',
  'sip-message-to-observable',
  'scale-live-calls',
  'soak-call-lifecycles',
  'call-setup-kamailio',
  'hop-count',
].filter((id) => capture || only.length === 0 || only.includes(id));

const started = Date.now();

// 1. Type-check the benchmarks (they have their own tsconfig), then bundle each one for Node.
console.log('bench: type-checking bench/ (tsc -p bench)');
if (spawnSync(bin('tsc'), ['-p', join(here, 'tsconfig.json')], { stdio: 'inherit' }).status !== 0) process.exit(1);
const esbuild = await import('esbuild');
const outdir = join(here, '.build');
await esbuild.build({
  entryPoints: BENCHMARKS.map((id) => join(here, `${id}.ts`)),
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external', // xstate, rxjs, jssip, wrtc… load from node_modules, as for a user of the package
  sourcemap: 'inline',
  logLevel: 'warning',
  // Bundled sources keep their own __dirname (the integration harness finds kamailio.cfg next to it).
  plugins: [{
    name: 'keep-dirname',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (file) => {
        if (file.path.includes('node_modules')) return undefined;
        const text = await readFile(file.path, 'utf8');
        return { contents: text.replace(/\b__dirname\b/g, JSON.stringify(dirname(file.path))), loader: 'ts' };
      });
    },
  }],
});

// 2. A loopback-only namespace when we can make one.
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasIp = quiet('ip', ['netns', 'list']).status === 0;
let ns = null;
let noNamespace = null;
if (!isRoot) noNamespace = 'not root';
else if (!hasIp) noNamespace = '`ip netns` is not available';
function cleanup() {
  if (!ns) return;
  const name = ns;
  ns = null;
  const pids = () => (quiet('ip', ['netns', 'pids', name]).stdout || '').split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids()) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
  const until = Date.now() + 2000;
  while (pids().length > 0 && Date.now() < until) spawnSync('sleep', ['0.1']);
  for (const pid of pids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  quiet('ip', ['netns', 'del', name]);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => { cleanup(); process.exit(130); });
if (!noNamespace) {
  const name = `callstate-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  if (quiet('ip', ['netns', 'add', name]).status !== 0) noNamespace = `ip netns add ${name} failed`;
  else {
    ns = name;
    if (spawnSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'inherit' }).status !== 0) {
      cleanup();
      noNamespace = 'bringing up lo in the namespace failed';
    }
  }
}
console.log(ns ? `bench: running in network namespace ${ns} (lo only)` : `bench: ${noNamespace}; running here, WITHOUT a network namespace (the Kamailio benchmark will be skipped)`);

// 3. Each benchmark in its own process.
function runOne(id) {
  return new Promise((resolve) => {
    const nodeArgs = ['--expose-gc', '--max-old-space-size=6144', join(outdir, `${id}.cjs`), ...(quick ? ['--quick'] : [])];
    const env = { ...process.env, ...(ns ? { CALLSTATE_NETNS: ns } : { BENCH_NO_NETNS: noNamespace }) };
    const [cmd, cmdArgs] = ns ? ['ip', ['netns', 'exec', ns, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
    const child = spawn(cmd, cmdArgs, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let result = null;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line.startsWith('BENCH_RESULT ')) result = JSON.parse(line.slice('BENCH_RESULT '.length));
        else if (line.trim()) console.log(`  [${id}] ${line}`);
      }
    });
    const limitMs = quick ? 90_000 : 300_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!result) result = { id, title: id, rows: [], notes: [], failed: `exited with ${signal ?? code} before reporting` };
      else if (code !== 0 && !signal) result.notes.push(`process exited with ${code} after reporting`);
      resolve(result);
    });
  });
}

const results = [];
if (capture) {
  try {
    const r = await runOne('capture-stats');
    for (const note of r.notes) console.log(note);
    process.exit(r.failed ? 1 : 0);
  } finally {
    cleanup();
  }
}
try {
  for (const id of BENCHMARKS) {
    console.log(`bench: ${id}${quick ? ' (quick)' : ''}`);
    const t0 = Date.now();
    results.push(await runOne(id));
    console.log(`bench: ${id} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  cleanup();
}

// 4. The table (Markdown, so the README can show it as is) and the JSON.
const fmt = (v, unit) => {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
};
const lines = [
  '| id | benchmark | measure | p50 | p95 | baseline (same run) | baseline p50 | baseline p95 | ratio | target | met |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const r of results) {
  if (r.skipped || r.failed) {
    lines.push(`| ${r.id} | ${r.title} | **${r.skipped ? 'SKIPPED' : 'FAILED'}**: ${r.skipped ?? r.failed} | | | | | | | | |`);
    continue;
  }
  for (const x of r.rows) {
    lines.push(
      `| ${r.id} | ${r.title} | ${x.measure} | ${fmt(x.p50, x.unit)} | ${fmt(x.p95, x.unit)} | ${x.baseline ?? '—'} | ${fmt(x.baselineP50, x.unit)} | ${fmt(x.baselineP95, x.unit)} | ${x.ratio === null ? '—' : x.ratio.toFixed(2)} | ${x.target ?? '—'} | ${x.met === null ? '' : x.met ? 'yes' : '**no**'} |`,
    );
  }
}
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  namespace: ns !== null || noNamespace === null,
};
console.log('');
console.log(`Benchmarks (${quick ? 'quick' : 'full'}) on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, ${machine.os}, Node ${machine.node}`);
console.log('');
for (const line of lines) console.log(line);
for (const r of results) for (const note of r.notes ?? []) console.log(`- ${r.id}: ${note}`);
const date = new Date().toISOString().slice(0, 10);
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', quick ? `${date}-quick.json` : `${date}.json`);
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), quick, machine, results }, null, 2)}\n`);
console.log(`\nbench: wrote ${file} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
process.exit(results.some((r) => r.failed) ? 1 : 0);
