/**
 * A Session's `state$` is one view of the call actor shared by all its subscribers
 * (`observeActorShared`): one subscription to the actor while anyone listens, the latest value on
 * subscribe, the final value and completion once the actor has stopped.
 */
import { firstValueFrom, take, toArray } from 'rxjs';
import { createActor, setup } from 'xstate';
import { observeActorShared } from '../../src/observe';
import type { Observed } from '../../src/observe';

const toggle = setup({ types: {} as { events: { type: 'TOGGLE' } | { type: 'STOP' } } }).createMachine({
  initial: 'off',
  states: {
    off: { on: { TOGGLE: 'on', STOP: 'done' } },
    on: { on: { TOGGLE: 'off', STOP: 'done' } },
    done: { type: 'final' },
  },
});

type Snapshot = ReturnType<ReturnType<typeof createActor<typeof toggle>>['getSnapshot']>;

/** The actor, with a count of the observers it has now. */
function counted() {
  const actor = createActor(toggle).start();
  let observers = 0;
  const observed: Observed<Snapshot> = {
    getSnapshot: () => actor.getSnapshot(),
    subscribe: (observer) => {
      let open = true;
      const close = (): void => {
        if (open) observers -= 1;
        open = false;
      };
      observers += 1;
      const subscription = actor.subscribe({
        next: (snapshot) => observer.next(snapshot),
        error: (error) => {
          close();
          observer.error(error);
        },
        complete: () => {
          close();
          observer.complete();
        },
      });
      return {
        unsubscribe: () => {
          close();
          subscription.unsubscribe();
        },
      };
    },
  };
  return { actor, observed, observers: () => observers };
}

const valueOf = (snapshot: Snapshot) => ({ state: snapshot.value as string });

describe('observeActorShared', () => {
  it('subscribes to the actor once for all subscribers, and lets go when the last one leaves', () => {
    const { actor, observed, observers } = counted();
    const state$ = observeActorShared(observed, valueOf);
    const a: string[] = [];
    const b: string[] = [];
    const subA = state$.subscribe((v) => a.push(v.state));
    const subB = state$.subscribe((v) => b.push(v.state));
    expect(observers()).toBe(1);
    actor.send({ type: 'TOGGLE' });
    expect(a).toEqual(['off', 'on']);
    expect(b).toEqual(['off', 'on']);
    subA.unsubscribe();
    expect(observers()).toBe(1);
    subB.unsubscribe();
    expect(observers()).toBe(0);
  });

  it('gives a later subscriber the current value, and the same objects as the others get', () => {
    const { actor, observed } = counted();
    const state$ = observeActorShared(observed, valueOf);
    const early: unknown[] = [];
    state$.subscribe((v) => early.push(v));
    actor.send({ type: 'TOGGLE' });
    const late: unknown[] = [];
    state$.subscribe((v) => late.push(v));
    expect(late).toEqual([{ state: 'on' }]);
    expect(late[0]).toBe(early[1]);
    actor.send({ type: 'TOGGLE' });
    expect(late[1]).toBe(early[2]);
  });

  it('emits only values that differ', () => {
    const { actor, observed } = counted();
    const machineless = observeActorShared(observed, () => ({ constant: true }));
    const values: unknown[] = [];
    machineless.subscribe((v) => values.push(v));
    actor.send({ type: 'TOGGLE' });
    actor.send({ type: 'TOGGLE' });
    expect(values).toHaveLength(1);
  });

  it('a subscriber that leaves on its first value leaves no subscription to the actor behind', async () => {
    const { actor, observed, observers } = counted();
    const state$ = observeActorShared(observed, valueOf);
    expect(await firstValueFrom(state$)).toEqual({ state: 'off' });
    expect(observers()).toBe(0);
    const two = firstValueFrom(state$.pipe(take(2), toArray()));
    expect(observers()).toBe(1);
    actor.send({ type: 'TOGGLE' });
    expect((await two).map((v) => v.state)).toEqual(['off', 'on']);
    expect(observers()).toBe(0);
  });

  it('completes every subscriber when the actor stops; a later subscriber gets the final value and completion', () => {
    const { actor, observed, observers } = counted();
    const state$ = observeActorShared(observed, valueOf);
    let done = false;
    state$.subscribe({ complete: () => (done = true) });
    actor.send({ type: 'STOP' });
    expect(done).toBe(true);
    const late: string[] = [];
    let lateDone = false;
    state$.subscribe({ next: (v) => late.push(v.state), complete: () => (lateDone = true) });
    expect(late).toEqual(['done']);
    expect(lateDone).toBe(true);
    const again: string[] = [];
    let againDone = false;
    state$.subscribe({ next: (v) => again.push(v.state), complete: () => (againDone = true) });
    expect(again).toEqual(['done']);
    expect(againDone).toBe(true);
    expect(observers()).toBe(0);
  });
});
