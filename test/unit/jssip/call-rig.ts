/**
 * A call between a phone on real JsSIP (in-process socket) and a scripted far end, for the adapter's
 * wire tests.
 */
import type { Session } from '../../../src';
import {
  FarEnd,
  bodyOf,
  fakeAudioStream,
  inProcessPhone,
  isRequest,
  methodOf,
  statusOf,
  sdp,
  type InProcessPhone,
} from '../../support/in-process-sip';

export interface OutgoingCall {
  readonly rig: InProcessPhone;
  readonly session: Session;
  far: FarEnd;
  readonly invite: string;
}

/** Wait (by settling queued work) until `check` holds; throws with `what` if it never does. */
export async function until(rig: InProcessPhone, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await rig.settle();
  if (!check()) throw new Error(`never happened: ${what}`);
}

/** The phone calls bob; the far end answers 200 (sendrecv) and the call is confirmed. */
export async function confirmedOutgoingCall(rig: InProcessPhone): Promise<OutgoingCall> {
  const mark = rig.socket.mark();
  const result = await rig.phone.call('bob', { mediaStream: fakeAudioStream() });
  if (!result.ok) throw new Error(`call refused: ${result.message}`);
  const session = rig.phone.getSession(result.callId!)!;
  const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
  const far = FarEnd.uas(invite);
  rig.socket.deliver(far.respond(invite, 180, 'Ringing'));
  rig.socket.deliver(far.respond(invite, 200, 'OK', { body: sdp('sendrecv') }));
  await rig.socket.waitFor(isRequest('ACK'), mark);
  await until(rig, () => session.state.phase === 'confirmed', 'confirmed');
  return { rig, session, far, invite };
}

/** The phone holds; the far end answers 200 recvonly; the hold is committed. Returns the re-INVITE. */
export async function heldCall(rig: InProcessPhone): Promise<OutgoingCall & { holdInvite: string }> {
  const call = await confirmedOutgoingCall(rig);
  const mark = rig.socket.mark();
  if (!call.session.hold()) throw new Error('hold refused');
  const holdInvite = await rig.socket.waitFor(isRequest('INVITE'), mark);
  rig.socket.deliver(call.far.respond(holdInvite, 200, 'OK', { body: sdp('recvonly', 2) }));
  await rig.socket.waitFor(isRequest('ACK'), mark);
  await until(rig, () => call.session.state.hold === 'held', 'held');
  return { ...call, holdInvite };
}

/** The far end sends `request`; resolves with the phone's final response to it. */
export async function farRequest(rig: InProcessPhone, request: string, method = 'INVITE'): Promise<string> {
  const mark = rig.socket.mark();
  rig.socket.deliver(request);
  return rig.socket.waitFor((m) => (statusOf(m) ?? 0) >= 200 && methodOf(m) === method, mark);
}

export { bodyOf };
