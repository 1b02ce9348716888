/**
 * An event table: every public event of a facade object (its name, the arguments its listeners
 * receive, and where it comes from) written once, as one entry. The argument types, the run-time set
 * of names `on()` accepts and the relay from the actor's emitted events all follow from the table.
 *
 * @packageDocumentation
 */

/**
 * How one public event comes about: relayed from an event the actor emits (`source`), or raised by
 * the facade object itself (`source` is `null`).
 *
 * @typeParam A - the arguments listeners receive.
 * @typeParam E - the events the actor emits.
 * @typeParam C - what the relay reads besides the emitted event (the facade object).
 */
export interface EventSpec<A extends readonly unknown[], E = never, C = never> {
  /** The emitted event type this event is relayed from; `null` for an event the facade raises. */
  readonly source: string | null;
  /** The listeners' arguments for an emitted event of type `source`, or `null` when it does not raise this event. */
  readonly args?: (event: E, context: C) => A | null;
}

/** Event names mapped to the arguments their listeners receive, read off an event table. */
export type ArgsOfTable<T> = { -readonly [K in keyof T]: T[K] extends EventSpec<infer A, never, never> ? A : never };

/**
 * The entry builder of an event table over the emitted events `E`: `event<Args>().from(type, args)`
 * for an event relayed from the emitted event `type`, `event<Args>().raised` for one the facade raises.
 */
export function eventSpecs<E extends { readonly type: string }, C>() {
  return <A extends readonly unknown[]>() => ({
    /** Relayed from the emitted event `source`, with the arguments `args` returns (none when it returns `null`). */
    from: <T extends E['type']>(source: T, args: (event: Extract<E, { readonly type: T }>, context: C) => A | null): EventSpec<A, E, C> => ({
      source,
      args: args as (event: E, context: C) => A | null,
    }),
    /** Raised by the facade itself. */
    raised: { source: null } as EventSpec<A, E, C>,
  });
}

/** The event names of a table, for checking `on()` at run time. */
export function eventNames(table: object): ReadonlySet<string> {
  return new Set(Object.keys(table));
}

/** Delivers one public event: its name and its listeners' arguments. */
export type Deliver = (name: string, args: readonly unknown[]) => void;

/**
 * The relay of a table: for each emitted event, delivers every public event the table relays from
 * it, in the table's order, skipping those whose `args` return `null`.
 */
export function relayOf<E extends { readonly type: string }, C>(
  table: { readonly [name: string]: EventSpec<readonly unknown[], E, C> },
): (event: E, context: C, deliver: Deliver) => void {
  const bySource = new Map<string, Array<readonly [string, NonNullable<EventSpec<readonly unknown[], E, C>['args']>]>>();
  for (const [name, spec] of Object.entries(table)) {
    if (spec.source === null || !spec.args) continue;
    const entries = bySource.get(spec.source) ?? [];
    entries.push([name, spec.args]);
    bySource.set(spec.source, entries);
  }
  return (event, context, deliver) => {
    for (const [name, args] of bySource.get(event.type) ?? []) {
      const values = args(event, context);
      if (values !== null) deliver(name, values);
    }
  };
}
