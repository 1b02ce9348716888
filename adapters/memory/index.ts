/**
 * An in-process SIP network for tests: several {@link MemoryUserAgent}s in one process register
 * and call each other through a {@link MemorySipNetwork}, deterministically, with scriptable faults.
 *
 * @packageDocumentation
 */
export { MemorySipNetwork } from './network';
export type { MemoryAccount, MemorySipNetworkOptions } from './network';
export type { RegistrationFailure } from './links';
export { MemoryUserAgent } from './user-agent';
export type { MemoryConnectionState, MemoryUserAgentOptions } from './user-agent';
export { MemoryCall } from './call';
export type { MemoryCallState } from './call';
export type { MemoryFaults, ScriptedResponse } from './faults';
