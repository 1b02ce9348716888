#!/usr/bin/env node
// `npm test`: type-check, then jest. As root with iproute2, both run inside a fresh network namespace
// that has only `lo` (so SIP and RTP of the integration tests never leave 127.0.0.1), which is deleted
// afterwards together with anything still running in it. Otherwise jest runs here and the integration
// suites report themselves as skipped. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const jestArgs = process.argv.slice(2);
const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status ?? 1;
const quiet = (cmd, args) => spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasIp = quiet('ip', ['netns', 'list']).status === 0;

if (!isRoot || !hasIp) {
  console.log(`scripts/test.mjs: ${isRoot ? '`ip netns` is not available' : 'not root'}; ` +
    'running unit tests here; INTEGRATION TESTS WILL BE SKIPPED (they need a loopback-only network namespace).');
  let rc = run(bin('tsc'), ['--noEmit']);
  if (rc === 0) rc = run(bin('jest'), jestArgs);
  process.exit(rc);
}

const ns = `callstate-${process.pid}-${randomBytes(3).toString('hex')}`;
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  const pids = () => (quiet('ip', ['netns', 'pids', ns]).stdout || '').split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids()) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
  const until = Date.now() + 2000;
  while (pids().length > 0 && Date.now() < until) spawnSync('sleep', ['0.1']);
  for (const pid of pids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  quiet('ip', ['netns', 'del', ns]);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => { cleanup(); process.exit(130); });
}

let rc = 1;
try {
  if (quiet('ip', ['netns', 'add', ns]).status !== 0) throw new Error(`ip netns add ${ns} failed`);
  if (run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']) !== 0) throw new Error('bringing up lo failed');
  console.log(`scripts/test.mjs: running in network namespace ${ns} (lo only)`);
  const env = { ...process.env, CALLSTATE_NETNS: ns };
  rc = run('ip', ['netns', 'exec', ns, bin('tsc'), '--noEmit'], { env });
  // --forceExit: @roamhq/wrtc keeps the event loop alive after its peer connections close, and a
  // natural exit with its native threads running can segfault; process.exit() is clean.
  if (rc === 0) rc = run('ip', ['netns', 'exec', ns, bin('jest'), '--forceExit', ...jestArgs], { env });
} catch (error) {
  console.error(`scripts/test.mjs: ${error.message}`);
  rc = 1;
} finally {
  cleanup();
}
process.exit(rc);
