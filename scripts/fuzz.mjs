#!/usr/bin/env node
// `npm run fuzz -- --runs N --seed S`: the property-based suite (test/property) with N random
// scenarios from seed S (defaults: 10000 runs, a seed from the clock, printed so a failure can be
// replayed). A failure prints the seed, the path and the shrunk counterexample.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
if (args.includes('--help')) {
  console.log('usage: npm run fuzz -- [--runs N] [--seed S]');
  process.exit(0);
}
const runs = Number(value('runs', 10_000));
const seed = Number(value('seed', Date.now() % 2 ** 31));
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
  console.error('fuzz: --runs must be a positive integer and --seed an integer');
  process.exit(2);
}
console.log(`fuzz: ${runs} runs, seed ${seed}`);
const jest = new URL('../node_modules/.bin/jest', import.meta.url).pathname;
const result = spawnSync(jest, ['--runInBand', 'test/property'], {
  stdio: 'inherit',
  env: { ...process.env, CALLSTATE_FUZZ_RUNS: String(runs), CALLSTATE_FUZZ_SEED: String(seed) },
});
process.exit(result.status ?? 1);
