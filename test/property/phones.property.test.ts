/**
 * Property-based suite: random sequences of every public method on 2–3 phones of the memory
 * network, interleaved with every fault it can script, with the invariants of `world.ts` checked
 * after every step. Seeded and shrinking: a failure prints the seed, the path and the smallest
 * scenario fast-check found. `npm test` runs a fixed seed; `npm run fuzz -- --runs N --seed S` runs more.
 */
import fc from 'fast-check';
import { runScenario, scenarioArb } from './world';

// The wall clock, taken before Jest's fake timers replace Date.
const wallClock = Date.now;
const RUNS = Number(process.env.CALLSTATE_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.CALLSTATE_FUZZ_SEED ?? 20261202);

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
});

afterEach(() => {
  jest.clearAllTimers();
  jest.useRealTimers();
});

it(`holds every invariant over ${RUNS} random scenarios (seed ${SEED})`, async () => {
  const started = wallClock();
  const stats = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      jest.clearAllTimers();
      await runScenario(scenario, stats);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: process.env.CALLSTATE_FUZZ_SHRINK === '0' },
  );
  if (process.env.CALLSTATE_FUZZ_RUNS) {
    const coverage = [...stats].sort(([a], [b]) => a.localeCompare(b)).map(([fact, steps]) => `  ${fact}: ${steps} steps`);
    console.log([`fuzz: ${RUNS} runs, seed ${SEED}, ${((wallClock() - started) / 1000).toFixed(1)} s; steps after which a phone showed:`, ...coverage].join('\n'));
  }
}, 30 * 60_000);
