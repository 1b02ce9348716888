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

  /** An inspector for an actor of this machine (child actors of other machines are ignored). */
  readonly inspect = (event: { type: string; actorRef?: unknown; snapshot?: unknown }): void => {
    if (event.type !== '@xstate.microstep' && event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as { machine?: AnyStateMachine; _nodes?: AnyStateNode[] } | undefined;
    if (snapshot?.machine?.id !== this.machine.id) return;
    for (const node of snapshot._nodes ?? []) if (node.parent !== undefined) this.nodes.add(node.id);
    if (event.type !== '@xstate.microstep') return;
    const taken = (event as unknown as { _transitions: Array<{ source: AnyStateNode; eventType: string; target?: AnyStateNode[] }> })._transitions;
    for (const t of taken) {
      const key = transitionKey(t.source, t.eventType);
      const previous = this.transitions.get(key);
      const targets = new Set([...(previous?.targets ?? []), ...(t.target ?? []).map((node) => node.id)]);
      this.transitions.set(key, { key, source: t.source.id, targets: [...targets] });
      if (t.source.parent !== undefined) this.nodes.add(t.source.id);
    }
  };

  /**
   * Replays events on a fresh actor of the machine (its implementations as given, effects of the
   * default ones only) and records what it did; returns the actor's last snapshot value per step.
   */
  replay(input: unknown, events: readonly AnyEventObject[], machine: AnyStateMachine = this.machine): unknown[] {
    const actor = createActor(machine, { input, inspect: this.inspect });
    actor.start();
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
