/**
 * `callstate/inspect` in a browser: redaction, serialization, the relay client and the page's model.
 * The relay itself (`startInspector`) runs in Node only.
 *
 * @packageDocumentation
 */
export { REDACTED, createRedactingInspector, inspectedActor, redactInspectionEvent, redactSnapshot, redactValue } from './redact';
export type { InspectedActor, Inspector, RedactionOptions } from './redact';
export type { RedactingInspector } from '../redacting-inspector';
export { SERIALIZER_VERSION, serializeInspectionEvent } from './serialize';
export type { SerializeOptions, SerializedInspectionEvent } from './serialize';
export { DEFAULT_RELAY_URL, createRelayInspector } from './client';
export type { RelayInspector, RelayInspectorOptions, WebSocketConstructor, WebSocketLike } from './client';
export { InspectorModel, activePaths, describeValue, leafPaths, statePaths } from './view-model';
export type { ActorView, LogEntry, MachineDefinition, StateValue } from './view-model';
