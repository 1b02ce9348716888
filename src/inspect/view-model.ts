/**
 * What the inspector page shows, kept apart from the DOM: every actor seen on the relay with its
 * current state, and the event log. Pure data in, data out; the page renders it.
 */

import { activeStatePaths } from '../diagrams/ids';
import type { DiagramStateValue } from '../diagrams/ids';

/** A state value as XState gives it: a state name, or nested regions. */
export type StateValue = string | { readonly [key: string]: StateValue };

/**
 * The paths of every active state of a machine, outermost first, each prefixed with the machine id:
 * `{ confirmed: { hold: 'held' } }` of `call` gives `call`, `call.confirmed`, `call.confirmed.hold`,
 * `call.confirmed.hold.held`. These are the ids of the states' groups in the generated diagrams
 * (`visualizations/*.svg`; the convention is `src/diagrams/ids.ts`).
 */
export function activePaths(machine: string, value: unknown): string[] {
  if (typeof value !== 'string' && (!value || typeof value !== 'object')) return [machine];
  return activeStatePaths({ value: value as DiagramStateValue }, machine);
}

/** The innermost active states (`call.confirmed.hold.held`, …), one per parallel region. */
export function leafPaths(machine: string, value: unknown): string[] {
  const leaves: string[] = [];
  const walk = (prefix: string, node: unknown) => {
    if (typeof node === 'string') leaves.push(`${prefix}.${node}`);
    else if (node && typeof node === 'object') {
      const entries = Object.entries(node as Record<string, unknown>);
      if (entries.length === 0) leaves.push(prefix);
      for (const [key, child] of entries) walk(`${prefix}.${key}`, child);
    }
  };
  walk(machine, value);
  return leaves;
}

/** A compact text of a state value: `confirmed(hold:held, mute:unmuted, …)`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([key, child]) => (typeof child === 'string' ? `${key}:${child}` : `${key}(${describeValue(child)})`))
    .join(', ');
}

/** One actor as the page knows it. */
export interface ActorView {
  /** Unique key (the relay's session id). */
  readonly key: string;
  /** The actor's id: a call's Call-ID, the phone's machine id. */
  actorId: string;
  /** `'phone'`, `'call'`, or null for other logic. */
  machine: string | null;
  parentKey: string | null;
  rootKey: string;
  /** The name the phone's inspector was given (`label`), if any. */
  label: string | null;
  value: unknown;
  status: string;
  /** The machine definition (JSON), when the actor message carried one. */
  definition: MachineDefinition | null;
  /** When the actor was first seen and last changed. */
  firstAt: number;
  lastAt: number;
  /** The order actors were first seen in. */
  readonly order: number;
}

/** The part of a serialized machine definition the list view needs. */
export interface MachineDefinition {
  readonly id?: string;
  readonly type?: string;
  readonly initial?: string;
  readonly states?: Record<string, MachineDefinition>;
}

/** One line of the event log. */
export interface LogEntry {
  readonly seq: number;
  readonly at: number;
  readonly actorKey: string;
  readonly kind: 'actor' | 'event' | 'snapshot';
  /** The event's type (for a snapshot, the event that caused it). */
  readonly eventType: string;
  /** For a snapshot: the state it reached. */
  readonly state: string | null;
  readonly sourceKey: string | null;
}

type Message = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The actors and the event log, fed with relay messages. */
export class InspectorModel {
  readonly actors = new Map<string, ActorView>();
  readonly log: LogEntry[] = [];
  private seq = 0;

  constructor(private readonly maxLog = 5000) {}

  /** Apply one relay message (or a history batch). Returns the keys of the actors it changed. */
  apply(message: Message): string[] {
    if (message.type === '@callstate.history' && Array.isArray(message.messages)) {
      return [...new Set((message.messages as Message[]).flatMap((m) => this.apply(m)))];
    }
    const key = str(message.sessionId);
    if (!key) return [];
    const at = typeof message.at === 'number' ? message.at : Number(message.createdAt) || Date.now();
    const actor = this.actor(key, message, at);
    const event = (message.event ?? null) as Message | null;
    const eventType = str(event?.type) ?? '';
    switch (message.type) {
      case '@xstate.actor': {
        const snapshot = message.snapshot as Message | undefined;
        if (snapshot && 'value' in snapshot) actor.value = snapshot.value;
        this.push({ at, actorKey: key, kind: 'actor', eventType: 'created', state: null, sourceKey: null });
        break;
      }
      case '@xstate.event':
        this.push({ at, actorKey: key, kind: 'event', eventType, state: null, sourceKey: str(message.sourceId) });
        break;
      case '@xstate.snapshot': {
        const snapshot = (message.snapshot ?? {}) as Message;
        if ('value' in snapshot) actor.value = snapshot.value;
        if (typeof snapshot.status === 'string') actor.status = snapshot.status;
        this.push({ at, actorKey: key, kind: 'snapshot', eventType, state: 'value' in snapshot ? describeValue(snapshot.value) : snapshot.status ? String(snapshot.status) : null, sourceKey: null });
        break;
      }
      default:
        return [];
    }
    actor.lastAt = at;
    return [key];
  }

  /** Actors with a machine (phone and calls), roots first then their children, in the order seen. */
  machineActors(): ActorView[] {
    const all = [...this.actors.values()].filter((actor) => actor.machine !== null);
    const roots = all.filter((actor) => actor.parentKey === null || !this.actors.has(actor.parentKey)).sort((a, b) => a.order - b.order);
    const out: ActorView[] = [];
    for (const root of roots) {
      out.push(root);
      out.push(...all.filter((actor) => actor !== root && actor.rootKey === root.rootKey).sort((a, b) => a.order - b.order));
    }
    return out;
  }

  /** The phone an actor belongs to (its root), for labels. */
  rootOf(actor: ActorView): ActorView | undefined {
    return this.actors.get(actor.rootKey);
  }

  private actor(key: string, message: Message, at: number): ActorView {
    let actor = this.actors.get(key);
    if (!actor) {
      actor = {
        key,
        actorId: key,
        machine: null,
        parentKey: null,
        rootKey: str(message.rootId) ?? key,
        label: null,
        value: null,
        status: 'active',
        definition: null,
        firstAt: at,
        lastAt: at,
        order: this.actors.size,
      };
      this.actors.set(key, actor);
    }
    const actorId = str(message.actorId) ?? (message.type === '@xstate.actor' ? str(message.name) : null);
    if (actorId) actor.actorId = actorId;
    if (typeof message.parentId === 'string') actor.parentKey = message.parentId;
    if (typeof message.rootId === 'string') actor.rootKey = message.rootId;
    if (typeof message.label === 'string') actor.label = message.label;
    if (typeof message.definition === 'string' && actor.definition === null) {
      try {
        actor.definition = JSON.parse(message.definition) as MachineDefinition;
      } catch {
        actor.definition = null;
      }
    }
    const machine = str(message.machine) ?? (actor.definition && typeof actor.definition.id === 'string' && 'states' in actor.definition ? actor.definition.id : null);
    if (machine) actor.machine = machine;
    // The root actor's id is its session id unless one was given: name it after its machine.
    if (actor.machine && actor.parentKey === null && /^x:\d+$/.test(actor.actorId)) actor.actorId = actor.machine;
    return actor;
  }

  private push(entry: Omit<LogEntry, 'seq'>): void {
    this.seq += 1;
    this.log.push({ ...entry, seq: this.seq });
    if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }
}

/** The states of a definition as paths (`call`, `call.confirmed`, …), with their depth, for the list view. */
export function statePaths(definition: MachineDefinition, machine: string): Array<{ path: string; name: string; depth: number; parallel: boolean; final: boolean }> {
  const out: Array<{ path: string; name: string; depth: number; parallel: boolean; final: boolean }> = [];
  const walk = (node: MachineDefinition, path: string, name: string, depth: number) => {
    out.push({ path, name, depth, parallel: node.type === 'parallel', final: node.type === 'final' });
    for (const [childName, child] of Object.entries(node.states ?? {})) walk(child, `${path}.${childName}`, childName, depth + 1);
  };
  walk(definition, machine, machine, 0);
  return out;
}
