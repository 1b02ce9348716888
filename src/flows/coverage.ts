import { createActor } from 'xstate';
import type { AnyEventObject, AnyStateMachine, AnyStateNode } from 'xstate';
import { getStateNodes } from 'xstate/graph';

/** A transition taken: its source state node, its event type and the state nodes it targets. */
export interface TakenTransition {
  /** `<source node id> <event type>`, eventless transitions as `(always)`: the key coverage is counted by. */
  readonly key: string;
  /** Id of the source state node (`call.dialing`). */
  readonly source: string;
  /** Ids of the target state nodes; empty for a transition that stays where it is. */
  readonly targets: readonly string[];
}

/** A microstep's transition as an inspector sees it: live, or summarized with state ids. */
interface TransitionLike {
  readonly eventType?: string;
  readonly source?: string | { readonly id: string };
  readonly target?: ReadonlyArray<string | { readonly id: string }>;
}

/** Coverage figures of one machine, as {@link formatCoverage} prints them. */
export interface CoverageFigures {
  readonly paths: number;
  readonly statesCovered: number;
  readonly states: number;
  readonly transitionsCovered: number;
  readonly transitions: number;
  /** Transition keys of the machine no path took, sorted. */
  readonly uncovered: readonly string[];
}

function transitionKey(source: AnyStateNode, eventType: string): string {
  return `${source.id} ${eventType === '' ? '(always)' : eventType}`;
}

/** Every state node of `machine` below the root, as ids (`call.confirmed.hold.held`). */
export function machineStateNodes(machine: AnyStateMachine): string[] {
  return getStateNodes(machine.root).map((node) => node.id);
}

/** Every (source state node, event type) pair `machine` defines, as transition keys. */
export function machineTransitions(machine: AnyStateMachine): Set<string> {
  const keys = new Set<string>();
  for (const node of [machine.root, ...getStateNodes(machine.root)]) {
    for (const eventType of node.transitions.keys()) keys.add(transitionKey(node, eventType));
    if (node.always && node.always.length > 0) keys.add(transitionKey(node, ''));
  }
  return keys;
}

/**
 * What a machine's actor did, as its inspection reports it: the state nodes it was in and the
 * transitions it took (`@xstate.microstep`), eventless ones included. Feed it from an actor's
 * `inspect` option with {@link MachineCoverage.inspect}, or replay events with {@link MachineCoverage.replay}.
 */
export class MachineCoverage {
  /** Paths counted with {@link countPath}. */
  paths = 0;
  /** Ids of the state nodes entered. */
  readonly nodes = new Set<string>();
  /** Transitions taken, by key. */
  readonly transitions = new Map<string, TakenTransition>();

  constructor(readonly machine: AnyStateMachine) {}

  /** Count one more path. */
  countPath(): void {
    this.paths += 1;
  }

  /**
   * An inspector: records the microsteps of every actor of this machine it is given (live
   * transitions, or the `{ eventType, source, target }` summaries a redacting inspector passes on);
   * transitions of other machines in the same actor system are ignored.
   */
  readonly inspect = (event: { type: string }): void => {
    if (event.type !== '@xstate.microstep') return;
    const taken = (event as unknown as { _transitions?: TransitionLike[] })._transitions ?? [];
    for (const t of taken) {
      const source = typeof t.source === 'string' ? t.source : t.source?.id;
      if (source === undefined || !this.ownsNode(source)) continue;
      const targets = (t.target ?? []).map((node) => (typeof node === 'string' ? node : node.id));
      const key = `${source} ${t.eventType ? t.eventType : '(always)'}`;
      const previous = this.transitions.get(key);
      this.transitions.set(key, { key, source, targets: [...new Set([...(previous?.targets ?? []), ...targets])] });
      for (const id of [source, ...targets]) this.enter(id);
    }
  };

  /** Record the state nodes active in a snapshot value of this machine (e.g. the initial one). */
  enterValue(value: unknown, prefix = this.machine.id): void {
    if (typeof value === 'string') return this.enter(`${prefix}.${value}`);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      this.enter(`${prefix}.${key}`);
      this.enterValue(child, `${prefix}.${key}`);
    }
  }

  private ownsNode(id: string): boolean {
    return id === this.machine.id || id.startsWith(`${this.machine.id}.`);
  }

  /** A node and its ancestors, the root left out. */
  private enter(id: string): void {
    const keys = id.split('.');
    for (let n = 2; n <= keys.length; n++) this.nodes.add(keys.slice(0, n).join('.'));
  }

  /**
   * Replays events on a fresh actor of the machine (its implementations as given, effects of the
   * default ones only) and records what it did; returns the actor's last snapshot value per step.
   */
  replay(input: unknown, events: readonly AnyEventObject[], machine: AnyStateMachine = this.machine): unknown[] {
    const actor = createActor(machine, { input, inspect: this.inspect });
    actor.start();
    this.enterValue(actor.getSnapshot().value);
    const values: unknown[] = [];
    for (const event of events) {
      actor.send(event);
      values.push(actor.getSnapshot().value);
    }
    actor.stop();
    return values;
  }

  /** Merge what another coverage of the same machine recorded. */
  merge(other: MachineCoverage): void {
    this.paths += other.paths;
    for (const node of other.nodes) this.nodes.add(node);
    for (const [key, t] of other.transitions) {
      const previous = this.transitions.get(key);
      this.transitions.set(key, { key, source: t.source, targets: [...new Set([...(previous?.targets ?? []), ...t.targets])] });
    }
  }

  /** The figures against the whole machine. */
  figures(): CoverageFigures {
    const states = machineStateNodes(this.machine);
    const transitions = machineTransitions(this.machine);
    return {
      paths: this.paths,
      statesCovered: states.filter((id) => this.nodes.has(id)).length,
      states: states.length,
      transitionsCovered: [...transitions].filter((key) => this.transitions.has(key)).length,
      transitions: transitions.size,
      uncovered: [...transitions].filter((key) => !this.transitions.has(key)).sort(),
    };
  }
}

/** `paths N, states covered A/B, transitions covered C/D`. */
export function formatCoverage(figures: CoverageFigures): string {
  return (
    `paths ${figures.paths}, states covered ${figures.statesCovered}/${figures.states}, ` +
    `transitions covered ${figures.transitionsCovered}/${figures.transitions}`
  );
}
