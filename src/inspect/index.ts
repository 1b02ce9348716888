/**
 * `callstate/inspect`: inspection without leaking secrets, and an offline inspector.
 *
 * - {@link redactInspectionEvent} / {@link createRedactingInspector}: what `createPhone({ inspect })`
 *   applies to every inspector (no password, HA1, authorization header or SDP gets out).
 * - {@link createRelayInspector}: an inspector that sends to the local relay (Node or browser).
 * - {@link startInspector} (Node): the relay plus the inspector page, on a loopback address.
 *
 * @packageDocumentation
 */
export * from './browser';
export { createRelayInspector } from './node-client';
export { isLoopbackHost, startInspector } from './relay';
export type { InspectorOptions, InspectorServer, RelayHistoryMessage } from './relay';
