/**
 * Call machine, the regions of `confirmed`: local hold (with rollbacks), remote hold, mute,
 * record (permissions 0/1/2, pending states, rollbacks, backend state) and DTMF.
 */
import { confirmedIncoming, confirmedOutgoing, DTMF_OPTIONS, startCall, stopAllCalls, reinvite } from '../support/call-harness';
import type { CallHarness } from '../support/call-harness';

afterEach(stopAllCalls);

const NOW = new Date('2030-01-02T03:04:05Z').getTime();

function holdValue(h: CallHarness): unknown {
  return (h.snapshot.value as { confirmed: { hold: string } }).confirmed.hold;
}
function recordValue(h: CallHarness): unknown {
  return (h.snapshot.value as { confirmed: { record: string } }).confirmed.record;
}

describe('call machine: local hold', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  it('active → holding (PORT.HOLD) → held on SIP.HOLD.SUCCEEDED', () => {
    const h = confirmedOutgoing();
    expect(holdValue(h)).toBe('active');
    expect(h.can({ type: 'CALL.HOLD' })).toBe(true);
    h.send({ type: 'CALL.HOLD' });
    expect(holdValue(h)).toBe('holding');
    expect(h.commands()).toEqual([{ type: 'PORT.HOLD' }]);
    expect(h.snapshot.hasTag('held')).toBe(false);
    expect(h.snapshot.context.times.heldSince).toBeNull();
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    expect(holdValue(h)).toBe('held');
    expect(h.snapshot.hasTag('held')).toBe(true);
    expect(h.snapshot.context.times.heldSince).toBe(NOW);
  });

  it('rolls back holding → active on SIP.HOLD.FAILED, emits call.hold.failed, the call goes on', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.FAILED', code: 491, reason: 'Request Pending' });
    expect(holdValue(h)).toBe('active');
    expect(h.snapshot.matches('confirmed')).toBe(true);
    expect(h.snapshot.status).toBe('active');
    expect(h.snapshot.context.end).toBeNull();
    expect(h.snapshot.hasTag('held')).toBe(false);
    expect(h.emitted).toEqual([{ type: 'call.hold.failed', code: 491, reason: 'Request Pending' }]);
    expect(h.emittedOf('call.ended')).toEqual([]);
    // and the hold can be tried again
    h.send({ type: 'CALL.HOLD' });
    expect(h.types()).toEqual(['PORT.HOLD', 'PORT.HOLD']);
  });

  it('held → resuming (PORT.UNHOLD) → active on SIP.UNHOLD.SUCCEEDED, counting the held time', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    jest.advanceTimersByTime(3000);
    h.clearCommands();
    h.send({ type: 'CALL.UNHOLD' });
    expect(holdValue(h)).toBe('resuming');
    expect(h.snapshot.hasTag('held')).toBe(true);
    expect(h.commands()).toEqual([{ type: 'PORT.UNHOLD' }]);
    h.port({ type: 'SIP.UNHOLD.SUCCEEDED', dialog: null });
    expect(holdValue(h)).toBe('active');
    expect(h.snapshot.hasTag('held')).toBe(false);
    expect(h.snapshot.context.times.heldSince).toBeNull();
    expect(h.snapshot.context.times.heldTotalMs).toBe(3000);
  });

  it('rolls back resuming → held on SIP.UNHOLD.FAILED and emits call.unhold.failed', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    h.send({ type: 'CALL.UNHOLD' });
    h.port({ type: 'SIP.UNHOLD.FAILED', code: 500, reason: 'Server Error' });
    expect(holdValue(h)).toBe('held');
    expect(h.snapshot.hasTag('held')).toBe(true);
    expect(h.snapshot.context.times.heldSince).toBe(NOW);
    expect(h.emitted).toEqual([{ type: 'call.unhold.failed', code: 500, reason: 'Server Error' }]);
    expect(h.snapshot.status).toBe('active');
  });

  it('CALL.UNHOLD is refused while not held: nothing is sent', () => {
    const h = confirmedOutgoing();
    expect(h.can({ type: 'CALL.UNHOLD' })).toBe(false);
    h.send({ type: 'CALL.UNHOLD' });
    expect(holdValue(h)).toBe('active');
    h.send({ type: 'CALL.HOLD' });
    expect(h.can({ type: 'CALL.UNHOLD' })).toBe(false); // holding: not held yet
    h.send({ type: 'CALL.UNHOLD' });
    expect(holdValue(h)).toBe('holding');
    expect(h.types()).toEqual(['PORT.HOLD']);
  });

  it('CALL.HOLD is refused while held or resuming', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    expect(h.can({ type: 'CALL.HOLD' })).toBe(false);
    h.send({ type: 'CALL.UNHOLD' });
    expect(h.can({ type: 'CALL.HOLD' })).toBe(false);
    h.send({ type: 'CALL.HOLD' });
    expect(h.types()).toEqual(['PORT.HOLD', 'PORT.UNHOLD']);
  });

  it('stray hold outcomes in the wrong state are ignored', () => {
    const h = confirmedOutgoing();
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    h.port({ type: 'SIP.UNHOLD.FAILED', code: null, reason: 'x' });
    expect(holdValue(h)).toBe('active');
    expect(h.emitted).toEqual([]);
  });
});

describe('call machine: remote hold is independent of local hold', () => {
  it('the far end\'s hold re-INVITE (SIP.REINVITE) moves only the remoteHold region', () => {
    const h = confirmedIncoming();
    h.port(reinvite(true));
    expect(h.snapshot.matches({ confirmed: { remoteHold: 'held' } })).toBe(true);
    expect(h.snapshot.hasTag('remotelyHeld')).toBe(true);
    expect(holdValue(h)).toBe('active');
    expect(h.snapshot.hasTag('held')).toBe(false);
    expect(h.commands()).toEqual([]);
  });

  it('we can hold and unhold while remotely held, and the far end resuming does not unhold us', () => {
    const h = confirmedIncoming();
    h.port(reinvite(true));
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    expect(holdValue(h)).toBe('held');
    h.port(reinvite(false));
    expect(h.snapshot.matches({ confirmed: { remoteHold: 'notHeld' } })).toBe(true);
    expect(holdValue(h)).toBe('held');
    expect(h.snapshot.hasTag('held')).toBe(true);
  });

  it('the far end holding does not change a local hold in progress', () => {
    const h = confirmedIncoming();
    h.send({ type: 'CALL.HOLD' });
    h.port(reinvite(true));
    expect(holdValue(h)).toBe('holding');
    h.port({ type: 'SIP.HOLD.FAILED', code: 488, reason: 'Not Acceptable Here' });
    expect(holdValue(h)).toBe('active');
    expect(h.snapshot.matches({ confirmed: { remoteHold: 'held' } })).toBe(true);
  });
});

describe('call machine: mute', () => {
  it('unmuted → muted (PORT.MUTE) → unmuted (PORT.UNMUTE)', () => {
    const h = confirmedOutgoing();
    expect(h.can({ type: 'CALL.UNMUTE' })).toBe(false);
    h.send({ type: 'CALL.MUTE' });
    expect(h.snapshot.matches({ confirmed: { mute: 'muted' } })).toBe(true);
    expect(h.snapshot.hasTag('muted')).toBe(true);
    expect(h.can({ type: 'CALL.MUTE' })).toBe(false);
    h.send({ type: 'CALL.MUTE' });
    h.send({ type: 'CALL.UNMUTE' });
    expect(h.snapshot.hasTag('muted')).toBe(false);
    expect(h.types()).toEqual(['PORT.MUTE', 'PORT.UNMUTE']);
  });

  it('mute is independent of hold', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.MUTE' });
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    h.send({ type: 'CALL.UNHOLD' });
    h.port({ type: 'SIP.UNHOLD.SUCCEEDED', dialog: null });
    expect(h.snapshot.hasTag('muted')).toBe(true);
  });
});

describe('call machine: record with permission 0 (nothing allowed)', () => {
  it('refuses start', () => {
    const h = confirmedOutgoing({ recordPermissions: 0 });
    expect(h.can({ type: 'CALL.RECORD.START' })).toBe(false);
    h.send({ type: 'CALL.RECORD.START' });
    expect(recordValue(h)).toBe('off');
    expect(h.commands()).toEqual([]);
  });

  it('refuses pause and resume even when the backend records on its own', () => {
    const h = confirmedOutgoing({ recordPermissions: 0 });
    h.port({ type: 'SIP.RECORD.STATE', state: 'recording' });
    expect(recordValue(h)).toBe('recording');
    expect(h.can({ type: 'CALL.RECORD.PAUSE' })).toBe(false);
    h.send({ type: 'CALL.RECORD.PAUSE' });
    expect(recordValue(h)).toBe('recording');
    h.port({ type: 'SIP.RECORD.STATE', state: 'paused' });
    expect(h.can({ type: 'CALL.RECORD.RESUME' })).toBe(false);
    h.send({ type: 'CALL.RECORD.RESUME' });
    expect(recordValue(h)).toBe('paused');
    expect(h.commands()).toEqual([]);
  });
});

describe('call machine: record with permission 1 (pause/resume only)', () => {
  it('refuses start', () => {
    const h = confirmedOutgoing({ recordPermissions: 1 });
    expect(h.can({ type: 'CALL.RECORD.START' })).toBe(false);
    h.send({ type: 'CALL.RECORD.START' });
    expect(recordValue(h)).toBe('off');
    expect(h.commands()).toEqual([]);
  });

  it('PBX auto-record (SIP.RECORD.STATE recording) → recording → pause and resume allowed', () => {
    const h = confirmedOutgoing({ recordPermissions: 1 });
    h.port({ type: 'SIP.RECORD.STATE', state: 'recording' });
    expect(recordValue(h)).toBe('recording');
    expect(h.snapshot.hasTag('recording')).toBe(true);
    expect(h.can({ type: 'CALL.RECORD.PAUSE' })).toBe(true);
    h.send({ type: 'CALL.RECORD.PAUSE' });
    expect(recordValue(h)).toBe('pausing');
    expect(h.snapshot.hasTag('recordPending')).toBe(true);
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'paused' });
    expect(recordValue(h)).toBe('paused');
    expect(h.snapshot.hasTag('recordingPaused')).toBe(true);
    expect(h.snapshot.hasTag('recording')).toBe(false);
    h.send({ type: 'CALL.RECORD.RESUME' });
    expect(recordValue(h)).toBe('resuming');
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'recording' });
    expect(recordValue(h)).toBe('recording');
    expect(h.commands()).toEqual([
      { type: 'PORT.RECORD', action: 'pause' },
      { type: 'PORT.RECORD', action: 'resume' },
    ]);
  });
});

describe('call machine: record with permission 2 (all)', () => {
  it('off → starting (PORT.RECORD start) → recording → pausing → paused → resuming → recording', () => {
    const h = confirmedOutgoing({ recordPermissions: 2 });
    h.send({ type: 'CALL.RECORD.START' });
    expect(recordValue(h)).toBe('starting');
    expect(h.snapshot.hasTag('recordPending')).toBe(true);
    expect(h.snapshot.hasTag('recording')).toBe(false);
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'recording' });
    expect(recordValue(h)).toBe('recording');
    h.send({ type: 'CALL.RECORD.PAUSE' });
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'paused' });
    expect(recordValue(h)).toBe('paused');
    h.send({ type: 'CALL.RECORD.RESUME' });
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'recording' });
    expect(recordValue(h)).toBe('recording');
    expect(h.commands()).toEqual([
      { type: 'PORT.RECORD', action: 'start' },
      { type: 'PORT.RECORD', action: 'pause' },
      { type: 'PORT.RECORD', action: 'resume' },
    ]);
  });

  it('wrong-state record commands are refused (start while recording, pause while off, resume while recording)', () => {
    const h = confirmedOutgoing({ recordPermissions: 2 });
    expect(h.can({ type: 'CALL.RECORD.PAUSE' })).toBe(false);
    expect(h.can({ type: 'CALL.RECORD.RESUME' })).toBe(false);
    h.send({ type: 'CALL.RECORD.START' });
    expect(h.can({ type: 'CALL.RECORD.START' })).toBe(false); // starting
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'recording' });
    expect(h.can({ type: 'CALL.RECORD.START' })).toBe(false);
    expect(h.can({ type: 'CALL.RECORD.RESUME' })).toBe(false);
    h.send({ type: 'CALL.RECORD.START' });
    h.send({ type: 'CALL.RECORD.RESUME' });
    expect(h.types()).toEqual(['PORT.RECORD']);
  });

  it('rolls back starting → off on SIP.RECORD.FAILED and emits call.record.failed', () => {
    const h = confirmedOutgoing({ recordPermissions: 2 });
    h.send({ type: 'CALL.RECORD.START' });
    h.port({ type: 'SIP.RECORD.FAILED', action: 'start', reason: 'no recorder' });
    expect(recordValue(h)).toBe('off');
    expect(h.emitted).toEqual([{ type: 'call.record.failed', reason: 'no recorder' }]);
    expect(h.snapshot.status).toBe('active');
  });

  it('rolls back pausing → recording on SIP.RECORD.FAILED', () => {
    const h = confirmedOutgoing({ recordPermissions: 2 });
    h.send({ type: 'CALL.RECORD.START' });
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'recording' });
    h.send({ type: 'CALL.RECORD.PAUSE' });
    h.port({ type: 'SIP.RECORD.FAILED', action: 'pause', reason: 'busy' });
    expect(recordValue(h)).toBe('recording');
    expect(h.snapshot.hasTag('recording')).toBe(true);
    expect(h.emittedOf('call.record.failed')).toEqual([{ type: 'call.record.failed', reason: 'busy' }]);
  });

  it('rolls back resuming → paused on SIP.RECORD.FAILED', () => {
    const h = confirmedOutgoing({ recordPermissions: 2 });
    h.send({ type: 'CALL.RECORD.START' });
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'recording' });
    h.send({ type: 'CALL.RECORD.PAUSE' });
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'paused' });
    h.send({ type: 'CALL.RECORD.RESUME' });
    h.port({ type: 'SIP.RECORD.FAILED', action: 'resume', reason: 'gone' });
    expect(recordValue(h)).toBe('paused');
    expect(h.snapshot.hasTag('recordingPaused')).toBe(true);
  });

  it('the backend turning recording off brings the region back to off', () => {
    const h = confirmedOutgoing({ recordPermissions: 2 });
    h.send({ type: 'CALL.RECORD.START' });
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'recording' });
    h.port({ type: 'SIP.RECORD.STATE', state: 'off' });
    expect(recordValue(h)).toBe('off');
    expect(h.snapshot.hasTag('recording')).toBe(false);
  });
});

describe('call machine: CALL.PERMISSIONS', () => {
  it('raising 0 → 2 allows start; lowering 2 → 1 refuses the next start', () => {
    const h = confirmedOutgoing({ recordPermissions: 0 });
    h.send({ type: 'CALL.PERMISSIONS', recordPermissions: 2 });
    expect(h.snapshot.context.recordPermissions).toBe(2);
    expect(h.can({ type: 'CALL.RECORD.START' })).toBe(true);
    h.send({ type: 'CALL.RECORD.START' });
    h.port({ type: 'SIP.RECORD.FAILED', action: 'start', reason: 'x' });
    h.send({ type: 'CALL.PERMISSIONS', recordPermissions: 1 });
    expect(h.can({ type: 'CALL.RECORD.START' })).toBe(false);
    h.send({ type: 'CALL.RECORD.START' });
    expect(h.commands()).toEqual([{ type: 'PORT.RECORD', action: 'start' }]);
  });

  it('lowering to 0 while recording refuses pause', () => {
    const h = confirmedOutgoing({ recordPermissions: 2 });
    h.send({ type: 'CALL.RECORD.START' });
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'recording' });
    h.send({ type: 'CALL.PERMISSIONS', recordPermissions: 0 });
    expect(h.can({ type: 'CALL.RECORD.PAUSE' })).toBe(false);
  });

  it('is accepted before the call is confirmed and applies once it is', () => {
    const early = startCall({ direction: 'incoming', recordPermissions: 0 });
    early.send({ type: 'CALL.PERMISSIONS', recordPermissions: 2 });
    early.send({ type: 'CALL.ANSWER' });
    early.port({ type: 'SIP.ACK.RECEIVED', dialog: null });
    expect(early.can({ type: 'CALL.RECORD.START' })).toBe(true);
  });
});

describe('call machine: DTMF', () => {
  it.each(['1', '0123456789', '*#', 'ABCD', 'abcd'])('valid tones %p → PORT.DTMF with the options', (tones) => {
    const h = confirmedOutgoing();
    expect(h.can({ type: 'CALL.DTMF', tones, options: DTMF_OPTIONS })).toBe(true);
    h.send({ type: 'CALL.DTMF', tones, options: DTMF_OPTIONS });
    expect(h.commands()).toEqual([{ type: 'PORT.DTMF', tones, options: DTMF_OPTIONS }]);
  });

  it.each(['', 'E', '1 2', '12x', '#!', ' 1'])('invalid tones %p → refused, no PORT.DTMF', (tones) => {
    const h = confirmedOutgoing();
    expect(h.can({ type: 'CALL.DTMF', tones, options: DTMF_OPTIONS })).toBe(false);
    h.send({ type: 'CALL.DTMF', tones, options: DTMF_OPTIONS });
    expect(h.commands()).toEqual([]);
    expect(h.errors).toEqual([]);
  });

  it('DTMF still works while held', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    h.clearCommands();
    h.send({ type: 'CALL.DTMF', tones: '5', options: DTMF_OPTIONS });
    expect(h.types()).toEqual(['PORT.DTMF']);
  });
});
