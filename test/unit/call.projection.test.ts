/**
 * A call's state as a UI reads it: one frozen value per snapshot, and a session's projection shares
 * the copies of the context parts that did not change between snapshots, keeping nothing of a call
 * beyond its last snapshot.
 */
import { callStateProjection, toCallState } from '../../machines/call.connect';
import { answered, startCall, stopAllCalls } from '../support/call-harness';

afterEach(stopAllCalls);

const dialog = { callId: 'call-1', localTag: 'a', remoteTag: 'b', localURI: 'sip:1001@x', remoteURI: 'sip:1002@x', remoteTarget: null, signalingState: 'Stable' as const };

describe('the call state projection', () => {
  it('gives the same state for the same snapshot, and a frozen deep copy that does not reach into the context', () => {
    const call = startCall();
    call.port(answered({ dialog }));
    const project = callStateProjection();
    const first = project(call.snapshot);
    expect(project(call.snapshot)).toBe(first);
    expect(Object.isFrozen(first.dialog)).toBe(true);
    expect(first.dialog).toEqual(dialog);
    expect(first.dialog).not.toBe(call.snapshot.context.dialog);
    expect(first.times).not.toBe(call.snapshot.context.times);
  });

  it('reuses the copies of the context parts a new snapshot did not replace, and copies the ones it did', () => {
    const call = startCall();
    call.port(answered({ dialog }));
    const project = callStateProjection();
    const before = project(call.snapshot);
    call.send({ type: 'CALL.HOLD' });
    call.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    const after = project(call.snapshot);
    expect(after.hold).toBe('held');
    expect(after.dialog).toBe(before.dialog);
    expect(after.remote).toBe(before.remote);
    expect(after.times).not.toBe(before.times);
    expect(after.times.heldSince).not.toBeNull();
    expect(after).toEqual(toCallState(call.snapshot));
  });

  it('is the same value as the uncached projection on every snapshot of a call', () => {
    const call = startCall();
    const project = callStateProjection();
    const seen = [project(call.snapshot)];
    call.port(answered({ dialog }));
    seen.push(project(call.snapshot));
    expect(seen[1]).toEqual(toCallState(call.snapshot));
    call.send({ type: 'CALL.HANGUP' });
    call.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    expect(project(call.snapshot)).toEqual(toCallState(call.snapshot));
    expect(project(call.snapshot).phase).toBe('ended');
  });
});
