import type { ActorSystem } from 'xstate';
import type { UserAgentPort } from '../machines/port';
import type { CallPorts } from './call-port-bridge';
import type { ReferPolicy } from './refer-decision';
import type { Session } from './session';

/**
 * What one phone's machines reach outside themselves: its user agent, its calls' ports, its REFER
 * policy and its sessions. The machines are supplied with their implementations once for every phone
 * (building a machine per phone costs about 100 KB and a millisecond, and its caches warm up again
 * per phone); each implementation finds its phone's wiring through the actor system it runs in,
 * which the phone actor and all its call actors share.
 */
export interface PhoneWiring {
  readonly userAgent: UserAgentPort;
  readonly ports: CallPorts;
  readonly refer: ReferPolicy;
  sessionOf(callId: string): Session | null;
}

const wirings = new WeakMap<ActorSystem<any>, PhoneWiring>();

/** Ties a phone's wiring to its actor system; done before the phone actor starts. */
export function wirePhone(system: ActorSystem<any>, wiring: PhoneWiring): void {
  wirings.set(system, wiring);
}

/** The wiring of the phone whose actor system this is, or `undefined` for a system no phone wired. */
export function wiringOf(system: ActorSystem<any>): PhoneWiring | undefined {
  return wirings.get(system);
}
