/**
 * The framework recipes (examples/frameworks/*.ts) are type-checked by `tsc --noEmit` against
 * framework-stubs.d.ts, and run here on the memory network against small stand-ins for React, Vue,
 * Svelte and Angular that keep each framework's subscription contract. The README shows them verbatim.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPhone, type Phone } from 'callstate';
import { MemorySipNetwork } from 'callstate/memory';

// ---------------------------------------------------------------- stand-ins
const disposers: Array<() => void> = [];
const reactCalls = { subscribed: 0, unsubscribed: 0 };

jest.mock(
  'react',
  () => ({
    useMemo: <T,>(factory: () => T) => factory(),
    // Like React: subscribe, then read the snapshot; it must be the same object until the store changes.
    useSyncExternalStore: <T,>(subscribe: (cb: () => void) => () => void, getSnapshot: () => T) => {
      let changes = 0;
      const unsubscribe = subscribe(() => (changes += 1));
      reactCalls.subscribed += 1;
      const first = getSnapshot();
      if (getSnapshot() !== first) throw new Error('getSnapshot() returned a new object without a change');
      disposers.push(() => {
        unsubscribe();
        reactCalls.unsubscribed += 1;
      });
      return first;
    },
  }),
  { virtual: true },
);
jest.mock(
  'vue',
  () => ({
    shallowRef: <T,>(value: T) => ({ value }),
    onScopeDispose: (fn: () => void) => disposers.push(fn),
  }),
  { virtual: true },
);
jest.mock(
  'svelte/store',
  () => {
    type Sub<T> = (value: T) => void;
    const readable = <T,>(initial: T, start: (set: Sub<T>) => (() => void) | void) => {
      let value = initial;
      const subs = new Set<Sub<T>>();
      let stop: (() => void) | void;
      return {
        subscribe(run: Sub<T>) {
          subs.add(run);
          if (subs.size === 1) stop = start((v) => { value = v; subs.forEach((s) => s(v)); });
          run(value);
          return () => {
            subs.delete(run);
            if (subs.size === 0 && stop) stop();
          };
        },
      };
    };
    const derived = <S, T>(store: { subscribe(run: Sub<S>): () => void }, fn: (value: S) => T) =>
      readable<T>(undefined as T, (set) => store.subscribe((v) => set(fn(v))));
    const get = <T,>(store: { subscribe(run: Sub<T>): () => void }): T => {
      let value!: T;
      store.subscribe((v) => (value = v))();
      return value;
    };
    return { readable, derived, get };
  },
  { virtual: true },
);
const angularProviders = new Map<unknown, unknown>();
jest.mock(
  '@angular/core',
  () => ({
    InjectionToken: class {
      constructor(readonly description: string) {}
    },
    inject: (token: unknown) => angularProviders.get(token),
    Component: () => (target: unknown) => target,
  }),
  { virtual: true },
);
jest.mock('@angular/common', () => ({ AsyncPipe: class {} }), { virtual: true });

// eslint-disable-next-line import/first
import { usePhoneState, useCallState } from '../../examples/frameworks/react';
import { usePhone, useTimer } from '../../examples/frameworks/vue';
import { phoneStores, callDuration } from '../../examples/frameworks/svelte';
import { PHONE, PhoneStatusComponent } from '../../examples/frameworks/angular';
import { get } from 'svelte/store';

// ---------------------------------------------------------------- two phones on the memory network
let network: MemorySipNetwork;
let alice: Phone;
let bob: Phone;

beforeEach(async () => {
  network = new MemorySipNetwork();
  for (const number of ['1001', '1002']) network.addAccount({ number, password: 'pw' });
  alice = createPhone({ userAgent: network.createUserAgent({ number: '1001', password: 'pw' }), qualityReports: false });
  bob = createPhone({ userAgent: network.createUserAgent({ number: '1002', password: 'pw' }), qualityReports: false });
  bob.on('incoming', ({ session }) => void session.answer());
  alice.start();
  bob.start();
  await network.settle();
});

afterEach(() => {
  disposers.splice(0).forEach((dispose) => dispose());
  alice.destroy();
  bob.destroy();
});

test('React: usePhoneState / useCallState read the current state, with a stable snapshot, and unsubscribe', async () => {
  expect(usePhoneState(alice)).toMatchObject({ registration: 'registered', calls: [] });
  const { callId } = await alice.call('1002');
  await network.settle();
  expect(useCallState(alice.getSession(callId!)!)).toMatchObject({ phase: 'confirmed', remote: { number: '1002' } });
  disposers.splice(0).forEach((dispose) => dispose());
  expect(reactCalls.unsubscribed).toBe(reactCalls.subscribed);
});

test('Vue: the refs follow the phone and the call timer until the scope is disposed', async () => {
  const state = usePhone(alice);
  expect(state.value.isRegistered).toBe(true);
  const { callId } = await alice.call('1002');
  await network.settle();
  expect(state.value.calls).toEqual([callId]);
  const timer = useTimer(alice.getSession(callId!)!);
  expect(timer.value.callDuration).toBe(0);
  disposers.splice(0).forEach((dispose) => dispose());
  alice.hangup(callId!);
  await network.settle();
  expect(state.value.calls).toEqual([callId]); // no longer updated after dispose
});

test('Svelte: typed stores over the observables, derived values, and the calls list', async () => {
  const { state, registered, calls } = phoneStores(alice);
  expect(get(registered)).toBe(true);
  const { callId } = await alice.call('1002');
  await network.settle();
  expect(get(state).calls).toEqual([callId]);
  expect(get(calls).map((s) => s.callId)).toEqual([callId]);
  expect(get(callDuration(alice.getSession(callId!)!))).toBe(0);
});

test('Angular: the component exposes the phone observables for the async pipe, and hangs up', async () => {
  angularProviders.set(PHONE, alice);
  const component = new PhoneStatusComponent();
  const seen: string[] = [];
  const subscription = component.state$.subscribe((s) => seen.push(s.registration));
  const { callId } = await alice.call('1002');
  await network.settle();
  const sessions = await new Promise<readonly import('callstate').Session[]>((resolve) => component.sessions$.subscribe(resolve).unsubscribe());
  expect(sessions.map((s) => s.callId)).toEqual([callId]);
  expect(component.hangup(sessions[0]!)).toBe(true);
  await network.settle();
  subscription.unsubscribe();
  expect(seen[0]).toBe('registered');
  expect(alice.state.calls).toEqual([]);
});

test('the README shows each recipe verbatim', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  for (const name of ['react', 'vue', 'svelte', 'angular']) {
    const source = readFileSync(join(__dirname, `../../examples/frameworks/${name}.ts`), 'utf8');
    expect({ name, inReadme: readme.includes('```ts\n' + source + '```') }).toEqual({ name, inReadme: true });
  }
});
