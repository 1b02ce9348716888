/**
 * Call machine, the transfer region: blind (REFER, NOTIFY outcome) and attended (consultation leg,
 * REFER with Replaces), with every failure path back to idle.
 */
import { answered, confirmedOutgoing, startCall, stopAllCalls } from '../support/call-harness';
import type { CallHarness } from '../support/call-harness';

afterEach(stopAllCalls);

function transferValue(h: CallHarness): unknown {
  return (h.snapshot.value as { confirmed: { transfer: unknown } }).confirmed.transfer;
}

describe('call machine: blind transfer', () => {
  it('referring → awaitingOutcome → NOTIFY 100 stays → NOTIFY 200 → ending (PORT.HANGUP) → ended transferred', () => {
    const h = confirmedOutgoing();
    expect(h.can({ type: 'CALL.TRANSFER.BLIND', target: '1003' })).toBe(true);
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
    expect(transferValue(h)).toEqual({ blind: 'referring' });
    expect(h.snapshot.hasTag('transferring')).toBe(true);
    expect(h.commands()).toEqual([{ type: 'PORT.REFER', target: '1003' }]);
    expect(h.snapshot.context.transfer).toEqual({ kind: 'blind', target: '1003', notify: null, failure: null });

    h.port({ type: 'SIP.REFER.ACCEPTED' });
    expect(transferValue(h)).toEqual({ blind: 'awaitingOutcome' });

    h.port({ type: 'SIP.REFER.NOTIFY', code: 100, reason: 'Trying' });
    expect(transferValue(h)).toEqual({ blind: 'awaitingOutcome' });
    expect(h.snapshot.context.transfer?.notify).toEqual({ code: 100, reason: 'Trying' });
    h.port({ type: 'SIP.REFER.NOTIFY', code: 180, reason: 'Ringing' });
    expect(transferValue(h)).toEqual({ blind: 'awaitingOutcome' });
    expect(h.emittedTypes()).toEqual([]);

    h.port({ type: 'SIP.REFER.NOTIFY', code: 200, reason: 'OK' });
    expect(h.snapshot.value).toBe('ending');
    expect(h.types()).toEqual(['PORT.REFER', 'PORT.HANGUP']);
    expect(h.snapshot.context.pendingEnd).toBe('transferred');
    const transfer = { kind: 'blind', target: '1003', notify: { code: 200, reason: 'OK' }, failure: null };
    expect(h.snapshot.context.transfer).toEqual(transfer);
    expect(h.emitted).toEqual([{ type: 'call.transfer.succeeded', transfer }]);

    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    expect(h.snapshot.value).toBe('ended');
    expect(h.snapshot.context.end).toMatchObject({ cause: 'transferred', originator: 'local' });
    expect(h.snapshot.output?.transfer).toEqual(transfer);
    expect(h.emittedOf('call.ended')[0].end.cause).toBe('transferred');
  });

  it('the transferee hanging up first after NOTIFY 200 still ends as transferred', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
    h.port({ type: 'SIP.REFER.ACCEPTED' });
    h.port({ type: 'SIP.REFER.NOTIFY', code: 200, reason: 'OK' });
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote' });
    expect(h.snapshot.context.end).toMatchObject({ cause: 'transferred', originator: 'remote' });
  });

  it('REFER refused (SIP.REFER.FAILED) → idle with transfer.failure and call.transfer.failed, call goes on', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
    h.port({ type: 'SIP.REFER.FAILED', code: 403, reason: 'Forbidden' });
    expect(transferValue(h)).toBe('idle');
    expect(h.snapshot.hasTag('transferring')).toBe(false);
    const transfer = { kind: 'blind', target: '1003', notify: null, failure: { code: 403, reason: 'Forbidden' } };
    expect(h.snapshot.context.transfer).toEqual(transfer);
    expect(h.emitted).toEqual([{ type: 'call.transfer.failed', transfer }]);
    expect(h.snapshot.status).toBe('active');
    expect(h.types()).toEqual(['PORT.REFER']);
    // a new attempt is possible and clears the failure
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1004' });
    expect(h.snapshot.context.transfer).toEqual({ kind: 'blind', target: '1004', notify: null, failure: null });
  });

  it('NOTIFY 486 → idle with notify and failure set', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
    h.port({ type: 'SIP.REFER.ACCEPTED' });
    h.port({ type: 'SIP.REFER.NOTIFY', code: 100, reason: 'Trying' });
    h.port({ type: 'SIP.REFER.NOTIFY', code: 486, reason: 'Busy Here' });
    expect(transferValue(h)).toBe('idle');
    const transfer = {
      kind: 'blind',
      target: '1003',
      notify: { code: 486, reason: 'Busy Here' },
      failure: { code: 486, reason: 'Busy Here' },
    };
    expect(h.snapshot.context.transfer).toEqual(transfer);
    expect(h.emitted).toEqual([{ type: 'call.transfer.failed', transfer }]);
    expect(h.types()).toEqual(['PORT.REFER']);
    expect(h.snapshot.matches('confirmed')).toBe(true);
  });

  it.each(['', ' 1003', 'a b', 'sip:', '10 03'])('an invalid target %p is refused and nothing is sent', (target) => {
    const h = confirmedOutgoing();
    expect(h.can({ type: 'CALL.TRANSFER.BLIND', target })).toBe(false);
    h.send({ type: 'CALL.TRANSFER.BLIND', target });
    expect(transferValue(h)).toBe('idle');
    expect(h.commands()).toEqual([]);
  });

  it.each(['1003', '+33123456789', 'alice@example.org', 'sip:1003@pbx.example.org'])('a valid target %p is referred', (target) => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.TRANSFER.BLIND', target });
    expect(h.commands()).toEqual([{ type: 'PORT.REFER', target }]);
  });

  it('a second blind transfer while one is in progress is refused', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
    expect(h.can({ type: 'CALL.TRANSFER.BLIND', target: '1004' })).toBe(false);
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1004' });
    expect(h.types()).toEqual(['PORT.REFER']);
    expect(h.snapshot.context.transfer?.target).toBe('1003');
  });

  it('a blind transfer works while the call is held', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
    expect(h.types()).toEqual(['PORT.HOLD', 'PORT.REFER']);
  });
});

describe('call machine: attended transfer', () => {
  function consulting(): CallHarness {
    const h = confirmedOutgoing({ callId: 'parent' });
    h.send({ type: 'CALL.TRANSFER.CONSULT', consultationId: 'consult' });
    return h;
  }

  it('CALL.TRANSFER.CONSULT → attended.consulting with the consultation linked', () => {
    const h = consulting();
    expect(transferValue(h)).toEqual({ attended: 'consulting' });
    expect(h.snapshot.hasTag('transferring')).toBe(true);
    expect(h.snapshot.context.consultation).toBe('consult');
    expect(h.commands()).toEqual([]);
  });

  it('CALL.TRANSFER.COMPLETE → PORT.REFER.ATTENDED → accepted → NOTIFY 200 → ending → transferred', () => {
    const h = consulting();
    expect(h.can({ type: 'CALL.TRANSFER.COMPLETE' })).toBe(true);
    h.send({ type: 'CALL.TRANSFER.COMPLETE' });
    expect(transferValue(h)).toEqual({ attended: 'referring' });
    expect(h.commands()).toEqual([{ type: 'PORT.REFER.ATTENDED', consultationId: 'consult' }]);
    expect(h.snapshot.context.transfer).toEqual({ kind: 'attended', target: 'consult', notify: null, failure: null });
    h.port({ type: 'SIP.REFER.ACCEPTED' });
    expect(transferValue(h)).toEqual({ attended: 'awaitingOutcome' });
    h.port({ type: 'SIP.REFER.NOTIFY', code: 100, reason: 'Trying' });
    expect(transferValue(h)).toEqual({ attended: 'awaitingOutcome' });
    h.port({ type: 'SIP.REFER.NOTIFY', code: 200, reason: 'OK' });
    expect(h.snapshot.value).toBe('ending');
    expect(h.types()).toEqual(['PORT.REFER.ATTENDED', 'PORT.HANGUP']);
    expect(h.emittedTypes()).toEqual(['call.transfer.succeeded']);
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    expect(h.snapshot.context.end?.cause).toBe('transferred');
    expect(h.snapshot.output).toMatchObject({ consultation: 'consult', transfer: { kind: 'attended', target: 'consult' } });
  });

  it('REFER refused → back to consulting (consultation still up) with the failure', () => {
    const h = consulting();
    h.send({ type: 'CALL.TRANSFER.COMPLETE' });
    h.port({ type: 'SIP.REFER.FAILED', code: 501, reason: 'Not Implemented' });
    expect(transferValue(h)).toEqual({ attended: 'consulting' });
    expect(h.snapshot.context.transfer?.failure).toEqual({ code: 501, reason: 'Not Implemented' });
    expect(h.emittedTypes()).toEqual(['call.transfer.failed']);
    // and it can be completed again
    h.send({ type: 'CALL.TRANSFER.COMPLETE' });
    expect(h.types()).toEqual(['PORT.REFER.ATTENDED', 'PORT.REFER.ATTENDED']);
  });

  it('NOTIFY 603 → back to consulting', () => {
    const h = consulting();
    h.send({ type: 'CALL.TRANSFER.COMPLETE' });
    h.port({ type: 'SIP.REFER.ACCEPTED' });
    h.port({ type: 'SIP.REFER.NOTIFY', code: 603, reason: 'Decline' });
    expect(transferValue(h)).toEqual({ attended: 'consulting' });
    expect(h.snapshot.context.transfer?.failure).toEqual({ code: 603, reason: 'Decline' });
    expect(h.snapshot.status).toBe('active');
  });

  it('consultation ended (CALL.TRANSFER.CONSULTATION_ENDED) → idle', () => {
    const h = consulting();
    h.send({ type: 'CALL.TRANSFER.CONSULTATION_ENDED' });
    expect(transferValue(h)).toBe('idle');
    expect(h.snapshot.context.consultation).toBeNull();
    expect(h.snapshot.hasTag('transferring')).toBe(false);
    expect(h.can({ type: 'CALL.TRANSFER.COMPLETE' })).toBe(false);
  });

  it('the consultation ends while the REFER is out: a failed REFER then goes back to idle, not to consulting', () => {
    const h = consulting();
    h.send({ type: 'CALL.TRANSFER.COMPLETE' });
    h.send({ type: 'CALL.TRANSFER.CONSULTATION_ENDED' });
    expect(transferValue(h)).toEqual({ attended: 'referring' });
    expect(h.snapshot.context.consultation).toBeNull();
    h.port({ type: 'SIP.REFER.FAILED', code: 501, reason: 'Not Implemented' });
    expect(transferValue(h)).toBe('idle');
    expect(h.emittedTypes()).toEqual(['call.transfer.failed']);
  });

  it('the consultation ends while awaiting the outcome: a failing NOTIFY goes back to idle', () => {
    const h = consulting();
    h.send({ type: 'CALL.TRANSFER.COMPLETE' });
    h.port({ type: 'SIP.REFER.ACCEPTED' });
    h.send({ type: 'CALL.TRANSFER.CONSULTATION_ENDED' });
    h.port({ type: 'SIP.REFER.NOTIFY', code: 486, reason: 'Busy Here' });
    expect(transferValue(h)).toBe('idle');
  });

  it('a consultation placed during a blind transfer is picked up when the blind transfer fails', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
    h.send({ type: 'CALL.TRANSFER.CONSULT', consultationId: 'consult' });
    expect(transferValue(h)).toEqual({ blind: 'referring' });
    h.port({ type: 'SIP.REFER.FAILED', code: 403, reason: 'Forbidden' });
    expect(transferValue(h)).toEqual({ attended: 'consulting' });
  });

  it('CALL.TRANSFER.CANCEL → idle, consultation unlinked, nothing sent', () => {
    const h = consulting();
    h.send({ type: 'CALL.TRANSFER.CANCEL' });
    expect(transferValue(h)).toBe('idle');
    expect(h.snapshot.context.consultation).toBeNull();
    expect(h.commands()).toEqual([]);
    // a blind transfer is possible again
    expect(h.can({ type: 'CALL.TRANSFER.BLIND', target: '1003' })).toBe(true);
  });

  it('CALL.TRANSFER.COMPLETE without a consultation is refused', () => {
    const h = confirmedOutgoing();
    expect(h.can({ type: 'CALL.TRANSFER.COMPLETE' })).toBe(false);
    h.send({ type: 'CALL.TRANSFER.COMPLETE' });
    expect(h.commands()).toEqual([]);
  });

  it('a blind transfer is refused while consulting', () => {
    const h = consulting();
    expect(h.can({ type: 'CALL.TRANSFER.BLIND', target: '1003' })).toBe(false);
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
    expect(h.commands()).toEqual([]);
  });

  it('a consultation linked before the call is confirmed is picked up once confirmed', () => {
    const h = startCall({ direction: 'outgoing' });
    h.send({ type: 'CALL.TRANSFER.CONSULT', consultationId: 'consult' });
    h.port(answered());
    expect(transferValue(h)).toEqual({ attended: 'consulting' });
  });
});
