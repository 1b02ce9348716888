#!/usr/bin/env node
// `npm run demo`: the browser demo. Checks (and as root, installs) what it needs, then
//  - by default runs the headless tour: Kamailio on loopback, the demo page, three phones in Chromium
//    driven by clicks, a live transcript and screenshots in demo-output/. The tour runs inside a
//    network namespace that has only `lo` (as root with `ip netns`; otherwise `unshare -rn` when the
//    kernel allows user namespaces), so SIP and RTP never leave 127.0.0.1.
//  - with --serve keeps Kamailio and the page up on 127.0.0.1 for a person with a browser
//    (--server wss://… points the page at another SIP-over-WebSocket server; --domain sets its domain).
// Other options: --out <dir> (default demo-output), --report-ms <ms> (3000), --port <http port> (8000),
// --inspect (the offline inspector: relay and page on 127.0.0.1, every demo page sends to it, and the tour
// screenshots the inspector page at its key moments; see demo/tour/inspect.ts).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const inNetns = argv.includes('--in-netns');
const args = argv.filter((a) => a !== '--in-netns');
const serve = args.includes('--serve');
const external = args.some((a) => a === '--server' || a.startsWith('--server='));
const say = (line) => console.log(`callstate demo: ${line}`);
const quiet = (cmd, cmdArgs) => spawnSync(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

// ------------------------------------------------------------------ prerequisites
function missingPackages() {
  const missing = [];
  const kamailio = ['/usr/sbin/kamailio', '/usr/local/sbin/kamailio', '/usr/bin/kamailio'].some((p) => existsSync(p));
  if (!external) {
    if (!kamailio) missing.push('kamailio');
    const libs = ['/usr/lib', '/usr/lib64', '/usr/local/lib'].flatMap((dir) => {
      try { return [dir, ...readdirSync(dir).map((sub) => join(dir, sub))]; } catch { return []; }
    });
    const websocket = libs.some((dir) => existsSync(join(dir, 'kamailio/modules/websocket.so')));
    if (!websocket) missing.push('kamailio-websocket-modules');
  }
  if (!serve && !existsSync('/usr/bin/chromium')) missing.push('chromium');
  return missing;
}

function ensurePrerequisites() {
  for (const pkg of ['playwright-core', 'esbuild', 'jssip', 'ws']) {
    if (!existsSync(join(root, 'node_modules', pkg, 'package.json'))) {
      console.error(`callstate demo: npm package ${pkg} is missing; run \`npm install\` first.`);
      process.exit(1);
    }
  }
  let missing = missingPackages();
  if (missing.length === 0) return;
  if (!isRoot || quiet('apt-get', ['--version']).status !== 0) {
    console.error(`callstate demo: missing Debian packages: ${missing.join(' ')}.\n` +
      `  Install them as root:  apt-get install --no-install-recommends ${missing.join(' ')}\n` +
      '  (or run `sudo npm run demo`, which installs them). The headless tour uses /usr/bin/chromium, never a downloaded browser.');
    process.exit(1);
  }
  say(`installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (aptArgs) => spawnSync('apt-get', aptArgs, { stdio: 'inherit', env }).status;
  if (apt(['update']) !== 0 || apt(['install', '-y', '--no-install-recommends', ...missing]) !== 0) {
    console.error('callstate demo: apt-get failed; see above.');
    process.exit(1);
  }
  // The kamailio package enables a unit with the stock config on every interface; the demo runs its own.
  if (missing.includes('kamailio') && existsSync('/run/systemd/system')) quiet('systemctl', ['disable', '--now', 'kamailio']);
  missing = missingPackages();
  if (missing.length > 0) {
    console.error(`callstate demo: still missing after apt-get: ${missing.join(' ')}`);
    process.exit(1);
  }
}

// ------------------------------------------------------------------ loopback-only namespace for the tour
function reexecInNamespace() {
  const self = [process.execPath, fileURLToPath(import.meta.url), '--in-netns', ...args];
  if (isRoot && quiet('ip', ['netns', 'list']).status === 0) {
    const ns = `callstate-demo-${process.pid}-${randomBytes(3).toString('hex')}`;
    const cleanup = () => {
      const pids = () => (quiet('ip', ['netns', 'pids', ns]).stdout || '').split(/\s+/).filter(Boolean).map(Number);
      for (const pid of pids()) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
      const until = Date.now() + 2000;
      while (pids().length > 0 && Date.now() < until) spawnSync('sleep', ['0.1']);
      for (const pid of pids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
      quiet('ip', ['netns', 'del', ns]);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => { cleanup(); process.exit(130); });
    let rc = 1;
    try {
      if (quiet('ip', ['netns', 'add', ns]).status !== 0) throw new Error(`ip netns add ${ns} failed`);
      if (quiet('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']).status !== 0) throw new Error('bringing up lo failed');
      say(`running the tour in network namespace ${ns} (lo only)`);
      rc = spawnSync('ip', ['netns', 'exec', ns, ...self], { stdio: 'inherit' }).status ?? 1;
    } catch (error) {
      console.error(`callstate demo: ${error.message}`);
    } finally {
      cleanup();
    }
    process.exit(rc);
  }
  if (quiet('unshare', ['-rn', 'true']).status === 0) {
    say('running the tour in a user + network namespace (lo only, unshare -rn)');
    const script = 'ip link set lo up && exec "$0" "$@"';
    const rc = spawnSync('unshare', ['-rn', 'sh', '-c', script, ...self], { stdio: 'inherit' }).status ?? 1;
    process.exit(rc);
  }
  console.error('callstate demo: the headless tour runs only inside a loopback-only network namespace, and none can be made here\n' +
    '  (needs root with iproute2, or unprivileged user namespaces for `unshare -rn`). Run it as root, or use\n' +
    '  `npm run demo -- --serve` and open the page in your own browser.');
  process.exit(1);
}

// ------------------------------------------------------------------ run
if (!inNetns) ensurePrerequisites();
if (!serve && !inNetns) reexecInNamespace();

const cacheDir = join(root, 'node_modules', '.cache', 'callstate-demo');
mkdirSync(cacheDir, { recursive: true });
const bundle = join(cacheDir, `cli-${process.pid}.cjs`);
const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [join(root, 'demo/tour/cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['playwright-core', 'esbuild', 'ws'],
  outfile: bundle,
  logLevel: 'warning',
});
let rc = 1;
try {
  const { main } = (await import(pathToFileURL(bundle).href)).default;
  rc = await main(root, args);
} finally {
  spawnSync('rm', ['-f', bundle]);
}
process.exit(rc);
