import type { InspectionEvent, Observer } from 'xstate';
import { REDACTING, type RedactingInspector } from '../redacting-inspector';

/** What replaces a secret in inspection output. */
export const REDACTED = '[redacted]';

/** How {@link redactInspectionEvent} treats what it cannot know is harmless. */
export interface RedactionOptions {
  /**
   * Keep SDP bodies. Default `false`: an SDP carries the ICE password, the DTLS fingerprint and the
   * host's addresses, so it is replaced by `[sdp redacted: N chars]`. Even when kept, `a=ice-pwd`
   * values are redacted.
   */
  readonly keepSdp?: boolean;
  /** More key names whose values are secret (compared case-insensitively, ignoring `-` and `_`). */
  readonly secretKeys?: readonly string[];
}

/**
 * Key names whose values never leave the process, compared lower-case without `-`/`_`: passwords,
 * HA1 digests, authorization headers (SIP `Authorization`, `Proxy-Authorization`, JsSIP's
 * `authorization_jwt`), tokens.
 */
const SECRET_KEYS = new Set([
  'password',
  'passwd',
  'secret',
  'ha1',
  'authorization',
  'proxyauthorization',
  'authorizationheader',
  'authorizationjwt',
  'token',
  'accesstoken',
  'refreshtoken',
  'apikey',
  'credential',
]);

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

/** `Authorization: …` and `Proxy-Authorization: …` lines, wherever they appear in a string. */
const AUTH_HEADER = /^([ \t]*)((?:proxy-)?authorization)[ \t]*:[^\r\n]*/gim;
/** Credentials without a header name: `Digest username=…, response=…` and bearer tokens. */
const DIGEST = /\bDigest[ \t]+[^\r\n]*/gi;
const BEARER = /\bBearer[ \t]+[^\s"',]+/gi;
const ICE_PWD = /(a=ice-pwd:)[^\r\n]*/gi;
const SDP = /(^|\n)v=0\r?\n/;

function redactString(value: string, options: RedactionOptions): string {
  if (!options.keepSdp && SDP.test(value) && /\n[omc]=/.test(value)) {
    // A whole SDP, or a SIP message that carries one: keep what precedes the body.
    const match = SDP.exec(value) as RegExpExecArray;
    const start = match.index + match[1].length;
    const head = start > 0 ? redactString(value.slice(0, start), options) : '';
    return `${head}[sdp redacted: ${value.length - start} chars]`;
  }
  if (!/authorization|digest|bearer|ice-pwd/i.test(value)) return value;
  return value
    .replace(AUTH_HEADER, (_m, indent: string, name: string) => `${indent}${name}: ${REDACTED}`)
    .replace(DIGEST, `Digest ${REDACTED}`)
    .replace(BEARER, `Bearer ${REDACTED}`)
    .replace(ICE_PWD, `$1${REDACTED}`);
}

function isActorRef(value: object): value is { id: string; sessionId: string } {
  const candidate = value as { sessionId?: unknown; send?: unknown; getSnapshot?: unknown };
  return typeof candidate.sessionId === 'string' && typeof candidate.getSnapshot === 'function';
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const MAX_DEPTH = 16;

/**
 * A plain, JSON-safe copy of any value with every secret replaced by {@link REDACTED}. Only plain
 * objects and arrays are walked; an actor becomes `{ xstate$$type: 1, id }` (as XState serialises
 * it), an `Error` its name and message, a `Date` its ISO string, and any other class instance (a
 * SIP stack's session, a MediaStream, a user agent holding a password) just `[ClassName]`, so
 * nothing reachable from a live object leaks. Cycles become `[circular]`.
 */
export function redactValue(value: unknown, options: RedactionOptions = {}): unknown {
  const extra = new Set((options.secretKeys ?? []).map(normalizeKey));
  const isSecretKey = (key: string): boolean => {
    const normalized = normalizeKey(key);
    return SECRET_KEYS.has(normalized) || extra.has(normalized);
  };
  const stack = new Set<object>();
  const walk = (input: unknown, depth: number): unknown => {
    switch (typeof input) {
      case 'string':
        return redactString(input, options);
      case 'number':
      case 'boolean':
      case 'undefined':
        return input;
      case 'bigint':
        return input.toString();
      case 'symbol':
        return input.toString();
      case 'function':
        return `[function ${input.name || 'anonymous'}]`;
      default:
        break;
    }
    if (input === null) return null;
    const object = input as object;
    if (stack.has(object)) return '[circular]';
    if (depth > MAX_DEPTH) return '[too deep]';
    if (isActorRef(object)) return { xstate$$type: 1, id: object.id };
    if (object instanceof Error) return { name: object.name, message: redactString(object.message, options) };
    if (object instanceof Date) return object.toISOString();
    stack.add(object);
    try {
      if (Array.isArray(object)) return object.map((item) => walk(item, depth + 1));
      if (object instanceof Set) return [...object].map((item) => walk(item, depth + 1));
      if (object instanceof Map) {
        const out: Record<string, unknown> = {};
        for (const [key, item] of object) out[String(key)] = isSecretKey(String(key)) ? REDACTED : walk(item, depth + 1);
        return out;
      }
      if (!isPlain(object)) return `[${object.constructor?.name ?? 'object'}]`;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(object)) {
        const item = (object as Record<string, unknown>)[key];
        out[key] = isSecretKey(key) && item !== undefined && item !== null ? REDACTED : walk(item, depth + 1);
      }
      return out;
    } finally {
      stack.delete(object);
    }
  };
  return walk(value, 0);
}

/** Fields of a machine snapshot that are internal (state nodes) and say nothing a viewer needs. */
const INTERNAL_SNAPSHOT_KEYS = new Set(['machine', '_nodes', 'historyValue']);

/**
 * A plain copy of an actor snapshot with its secrets redacted: `status`, `value`, `context`,
 * `output`, `error`, `tags` (as an array), `children` (as actor references); the state nodes are left
 * out.
 */
export function redactSnapshot(snapshot: unknown, options: RedactionOptions = {}): Record<string, unknown> | undefined {
  if (snapshot === undefined || snapshot === null || typeof snapshot !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(snapshot)) {
    if (INTERNAL_SNAPSHOT_KEYS.has(key)) continue;
    out[key] = redactValue((snapshot as Record<string, unknown>)[key], options);
  }
  return out;
}

/**
 * What an inspector receives in place of a live actor: its ids, its parent, its machine definition
 * (static configuration, no runtime data) and `getSnapshot()`, which returns the redacted snapshot.
 * It cannot send events or reach the actor system. The same actor always gives the same view.
 */
export interface InspectedActor {
  readonly id: string;
  readonly sessionId: string;
  readonly systemId: string | undefined;
  /** The parent's view (`_parent`, as on an XState actor, so inspectors that walk to the root work). */
  readonly _parent: InspectedActor | undefined;
  /** The machine definition (or other logic's `config`), as `actorRef.logic.config`. */
  readonly logic: { readonly config: unknown };
  /** The name of the logic in the parent's `actors` (`'call'`, `'ua'`, …) when it has one. */
  readonly src: string | undefined;
  /** One token per actor system: the same object for every actor of one phone. */
  readonly system: object;
  getSnapshot(): Record<string, unknown> | undefined;
  toJSON(): { xstate$$type: 1; id: string };
}

interface RawActor {
  id: string;
  sessionId: string;
  systemId?: string;
  _parent?: RawActor;
  logic?: { config?: unknown };
  src?: unknown;
  system?: object;
  getSnapshot(): unknown;
}

const views = new WeakMap<object, InspectedActor>();
const viewSet = new WeakSet<object>();
const systemTokens = new WeakMap<object, object>();

function systemToken(system: object | undefined, fallback: object): object {
  const key = system ?? fallback;
  let token = systemTokens.get(key);
  if (!token) {
    token = Object.freeze({});
    systemTokens.set(key, token);
  }
  return token;
}

/** The read-only, redacted view of an actor (see {@link InspectedActor}). */
export function inspectedActor(actor: unknown, options: RedactionOptions = {}): InspectedActor | undefined {
  if (!actor || typeof actor !== 'object') return undefined;
  if (viewSet.has(actor)) return actor as InspectedActor;
  const cached = views.get(actor);
  if (cached) return cached;
  const raw = actor as RawActor;
  const view: InspectedActor = {
    id: raw.id,
    sessionId: raw.sessionId,
    systemId: raw.systemId,
    get _parent() {
      return inspectedActor(raw._parent, options);
    },
    logic: { config: raw.logic?.config },
    src: typeof raw.src === 'string' ? raw.src : undefined,
    system: systemToken(raw.system, raw),
    getSnapshot: () => redactSnapshot(raw.getSnapshot(), options),
    toJSON: () => ({ xstate$$type: 1, id: raw.id }),
  };
  Object.freeze(view);
  views.set(actor, view);
  viewSet.add(view);
  return view;
}

interface TransitionLike {
  eventType?: string;
  source?: { id?: string };
  target?: ReadonlyArray<{ id?: string }>;
  reenter?: boolean;
}

function summarizeTransition(transition: TransitionLike): { eventType: string | undefined; source: string | undefined; target: string[]; reenter: boolean } {
  return {
    eventType: transition?.eventType,
    source: transition?.source?.id,
    target: (transition?.target ?? []).map((node) => node.id ?? ''),
    reenter: transition?.reenter === true,
  };
}

/** True for an inspection event {@link redactInspectionEvent} already produced. */
const redactedEvents = new WeakSet<object>();

/**
 * The same inspection event with its secrets gone: events, snapshots (context included), action
 * parameters and error values become plain redacted copies (see {@link redactValue}), a microstep's
 * transitions become `{ eventType, source, target, reenter }` with state ids, and every actor becomes
 * an {@link InspectedActor}. The event keeps the shape of an XState inspection event, so any
 * v5 inspector (`@statelyai/inspect` included) consumes it unchanged.
 */
export function redactInspectionEvent(event: InspectionEvent, options: RedactionOptions = {}): InspectionEvent {
  if (redactedEvents.has(event)) return event;
  const source = event as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    switch (key) {
      case 'type':
      case 'rootId':
        out[key] = value;
        break;
      case 'actorRef':
      case 'sourceRef':
        out[key] = inspectedActor(value, options);
        break;
      case 'snapshot':
        out[key] = redactSnapshot(value, options);
        break;
      case '_transitions':
        // Transitions of the machine definition, as plain data: event type, source and target state ids.
        out[key] = Array.isArray(value) ? value.map(summarizeTransition) : [];
        break;
      case 'action': {
        const action = value as { type?: unknown; params?: unknown } | undefined;
        out[key] = action ? { type: action.type, params: redactValue(action.params, options) } : action;
        break;
      }
      default:
        out[key] = redactValue(value, options);
    }
  }
  const redacted = out as unknown as InspectionEvent;
  redactedEvents.add(redacted);
  return redacted;
}

/** An XState inspector: an observer of inspection events, or a function called with each. */
export type Inspector = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * Wrap an inspector so that it only ever sees redacted events ({@link redactInspectionEvent}): the
 * inspector `createPhone({ inspect })` takes. Its errors are redacted too.
 */
export function createRedactingInspector(inner: Inspector, options: RedactionOptions = {}): RedactingInspector {
  const next = typeof inner === 'function' ? inner : (event: InspectionEvent) => inner.next?.(event);
  return {
    [REDACTING]: true,
    next: (event) => next(redactInspectionEvent(event, options)),
    error: (error) => (typeof inner === 'function' ? undefined : inner.error?.(redactValue(error, options))),
    complete: () => (typeof inner === 'function' ? undefined : inner.complete?.()),
  };
}
