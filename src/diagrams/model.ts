import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { statePath } from './ids';

/** The kind of a state in a diagram. */
export type DiagramStateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** One transition as a diagram draws it. */
export interface DiagramTransition {
  /** How it is triggered: by an event, by a delay (`after`), or eventlessly (`always`). */
  kind: 'event' | 'after' | 'always';
  /** The event type, the delay (`endingTimeout`, `500ms`) or `always`. */
  trigger: string;
  /** The guard as text (`isIncoming`, `in transport.connected`, `else`), or null when unguarded. */
  guard: string | null;
  /** The label drawn on the edge: `CALL.HOLD`, `CALL.HANGUP [isIncoming]`, `after endingTimeout`. */
  label: string;
  /** Target state paths; empty for a targetless transition (actions only). */
  targets: string[];
}

/** One state as a diagram draws it, with its children in definition order. */
export interface DiagramState {
  /** The state path (see `src/diagrams/ids.ts`). */
  path: string;
  /** The state's own key; the machine id for the root. */
  key: string;
  type: DiagramStateType;
  /** True for a child of a parallel state (drawn as a dashed region). */
  region: boolean;
  /** The path of the initial child of a compound state, else null. */
  initial: string | null;
  children: DiagramState[];
  /** Transitions in definition order: `on`, then `after`, then `always`. */
  transitions: DiagramTransition[];
}

/** Text for a guard of any form XState v5 accepts. */
function guardText(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const fn = guard as { name?: string; stateValue?: unknown; guards?: unknown[] };
    if (fn.name === 'stateIn' && fn.stateValue !== undefined) {
      const value = typeof fn.stateValue === 'string' ? fn.stateValue.replace(/^#[^.]+\./, '') : JSON.stringify(fn.stateValue);
      return `in ${value}`;
    }
    if ((fn.name === 'and' || fn.name === 'or') && Array.isArray(fn.guards)) {
      return fn.guards.map(guardText).join(fn.name === 'and' ? ' && ' : ' || ');
    }
    if (fn.name === 'not' && Array.isArray(fn.guards)) return `!${guardText(fn.guards[0])}`;
    return 'inline guard';
  }
  if (guard && typeof guard === 'object' && 'type' in guard) return String((guard as { type: unknown }).type);
  return 'guard';
}

function delayText(delay: unknown): string {
  return typeof delay === 'number' ? `${delay}ms` : String(delay);
}

function labelOf(kind: DiagramTransition['kind'], trigger: string, guard: string | null): string {
  const head = kind === 'after' ? `after ${trigger}` : trigger;
  return guard === null ? head : `${head} [${guard}]`;
}

interface RawTransition {
  guard?: unknown;
  target?: ReadonlyArray<AnyStateNode> | undefined;
}

function transitionsOf(node: AnyStateNode, machineId: string): DiagramTransition[] {
  const out: DiagramTransition[] = [];
  const add = (kind: DiagramTransition['kind'], trigger: string, list: readonly RawTransition[]): void => {
    list.forEach((t, index) => {
      const guard = t.guard !== undefined ? guardText(t.guard) : index > 0 ? 'else' : null;
      out.push({
        kind,
        trigger,
        guard,
        label: labelOf(kind, trigger, guard),
        targets: (t.target ?? []).map((target) => statePath(machineId, target.path)),
      });
    });
  };
  const delayed = new Map<string, unknown>();
  for (const after of node.after) delayed.set(after.eventType, after.delay);
  for (const [eventType, list] of node.transitions) {
    if (delayed.has(eventType)) continue;
    add('event', eventType, list as readonly RawTransition[]);
  }
  const afterByEvent = new Map<string, RawTransition[]>();
  for (const after of node.after) {
    const list = afterByEvent.get(after.eventType) ?? [];
    list.push(after as RawTransition);
    afterByEvent.set(after.eventType, list);
  }
  for (const [eventType, list] of afterByEvent) add('after', delayText(delayed.get(eventType)), list);
  if (node.always) add('always', 'always', node.always as readonly RawTransition[]);
  return out;
}

function stateOf(node: AnyStateNode, machineId: string, region: boolean): DiagramState {
  const children = Object.values(node.states).map((child) => stateOf(child, machineId, node.type === 'parallel'));
  const initialTarget = node.type === 'compound' ? node.initial?.target?.[0] : undefined;
  return {
    path: statePath(machineId, node.path),
    key: node.path.length === 0 ? machineId : node.key,
    type: node.type,
    region,
    initial: initialTarget ? statePath(machineId, initialTarget.path) : null,
    children,
    transitions: transitionsOf(node, machineId),
  };
}

/**
 * The state tree of a machine as the diagram generators see it: every state with its path, type,
 * initial child and transitions (event, `after` and `always`), read from `machine.root`.
 *
 * @param machine - an XState v5 machine
 */
export function diagramModel(machine: AnyStateMachine): DiagramState {
  return stateOf(machine.root, machine.id, false);
}

/** Every state of the tree, depth first, the root included. */
export function allStates(root: DiagramState): DiagramState[] {
  const out: DiagramState[] = [];
  const walk = (state: DiagramState): void => {
    out.push(state);
    state.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** True when `path` is `ancestor` or lies inside it. */
export function isWithin(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`);
}
