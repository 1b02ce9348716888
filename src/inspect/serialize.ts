import type { InspectionEvent } from 'xstate';
import { inspectedActor, redactInspectionEvent } from './redact';
import type { InspectedActor, RedactionOptions } from './redact';

/** Marks messages of this library's serializer (the Stately inspector's carry their package version). */
export const SERIALIZER_VERSION = 'callstate-1';

/**
 * One inspection event as plain JSON, as the relay carries it. The shape is the one
 * `@statelyai/inspect` sends (`type`, `sessionId`, `rootId`, `parentId`, `name`, `definition`,
 * `snapshot`, `event`, `sourceId`, `createdAt`, `_version`), so the relay and the page take messages
 * from either; this library adds the fields after `_version`.
 */
export interface SerializedInspectionEvent {
  readonly type: '@xstate.actor' | '@xstate.event' | '@xstate.snapshot';
  /** Unique across phones and processes: the actor system's key, then XState's session id. */
  readonly sessionId: string;
  readonly rootId: string;
  readonly parentId?: string;
  /** `@xstate.actor`: the actor's id (a call's id is its Call-ID). */
  readonly name?: string;
  /** `@xstate.actor`: the machine definition as a JSON string (functions left out). */
  readonly definition?: string;
  /** `@xstate.actor` and `@xstate.snapshot`: the redacted snapshot (`value`, `status`, `context`, …). */
  readonly snapshot?: Record<string, unknown>;
  /** `@xstate.event` and `@xstate.snapshot`: the (redacted) event. */
  readonly event?: Record<string, unknown>;
  /** `@xstate.event`: who sent it, when an actor did. */
  readonly sourceId?: string;
  readonly createdAt: string;
  readonly id: null;
  readonly _version: string;
  /** The actor's id, on every message. */
  readonly actorId: string;
  /** The machine's id (`'phone'`, `'call'`), or `null` for other logic (callback actors). */
  readonly machine: string | null;
  /** Milliseconds since the epoch when the event happened. */
  readonly at: number;
  /** A name for the phone, given to the inspector (`label`), shown by the page. */
  readonly label?: string;
}

let systemCounter = 0;
const systemKeys = new WeakMap<object, string>();
const processKey = Math.random().toString(36).slice(2, 6);

function systemKey(actor: InspectedActor): string {
  let key = systemKeys.get(actor.system);
  if (!key) {
    systemCounter += 1;
    key = `${processKey}${systemCounter}`;
    systemKeys.set(actor.system, key);
  }
  return key;
}

const machineIdOf = (actor: InspectedActor): string | null => {
  const config = actor.logic.config as { id?: unknown } | undefined;
  return config && typeof config === 'object' && typeof config.id === 'string' ? config.id : null;
};

const definitions = new WeakMap<object, string>();

function definitionOf(actor: InspectedActor): string | undefined {
  const config = actor.logic.config;
  if (!config || typeof config !== 'object') return undefined;
  let text = definitions.get(config);
  if (text === undefined) {
    try {
      text = JSON.stringify(config, (_key, value: unknown) => (typeof value === 'function' ? undefined : value)) ?? '';
    } catch {
      text = JSON.stringify({ id: machineIdOf(actor) });
    }
    definitions.set(config, text);
  }
  return text;
}

export interface SerializeOptions extends RedactionOptions {
  /** A name for the phone, carried on every message. */
  readonly label?: string;
  /** Send machine definitions with `@xstate.actor` (default true; the page draws its lists from them). */
  readonly definitions?: boolean;
}

/**
 * An inspection event as JSON-safe data, redacted first ({@link redactInspectionEvent}), or `null`
 * for the kinds a viewer does not need (`@xstate.microstep`, `@xstate.action`).
 */
export function serializeInspectionEvent(event: InspectionEvent, options: SerializeOptions = {}): SerializedInspectionEvent | null {
  if (event.type !== '@xstate.actor' && event.type !== '@xstate.event' && event.type !== '@xstate.snapshot') return null;
  const redacted = redactInspectionEvent(event, options) as InspectionEvent & { sourceRef?: unknown };
  const actor = inspectedActor(redacted.actorRef, options) as InspectedActor;
  const key = systemKey(actor);
  const id = (sessionId: string) => `${key}:${sessionId}`;
  let root: InspectedActor = actor;
  while (root._parent) root = root._parent;
  const base = {
    type: event.type,
    sessionId: id(actor.sessionId),
    rootId: id(root.sessionId),
    ...(actor._parent ? { parentId: id(actor._parent.sessionId) } : {}),
    createdAt: String(Date.now()),
    id: null,
    _version: SERIALIZER_VERSION,
    actorId: actor.id,
    machine: machineIdOf(actor),
    at: Date.now(),
    ...(options.label !== undefined ? { label: options.label } : {}),
  };
  switch (redacted.type) {
    case '@xstate.actor':
      return {
        ...base,
        name: actor.id,
        ...(options.definitions === false ? {} : { definition: definitionOf(actor) }),
        snapshot: actor.getSnapshot() ?? { status: 'active' },
      };
    case '@xstate.event': {
      const source = inspectedActor(redacted.sourceRef, options);
      return { ...base, event: redacted.event as Record<string, unknown>, ...(source ? { sourceId: id(source.sessionId) } : {}) };
    }
    case '@xstate.snapshot':
      return { ...base, event: redacted.event as Record<string, unknown>, snapshot: redacted.snapshot as unknown as Record<string, unknown> };
    default:
      return null;
  }
}
