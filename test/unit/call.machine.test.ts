/**
 * Call machine, event by event: set-up paths (outgoing, incoming, auto-answer), tags, emitted
 * events and events that arrive in the wrong state.
 */
import { answered, answerSent, confirmedIncoming, confirmedOutgoing, DTMF_OPTIONS, progress, reinvite, startCall, stopAllCalls } from '../support/call-harness';

afterEach(stopAllCalls);

/** The far end a 1xx or 2xx may name. */
const carol = { number: '2000', name: 'Carol', uri: 'sip:2000@example.test' };

/** A dialog as the stack reports it, at `signalingState`, with the far end's Contact when known. */
function dialogAt(signalingState: 'Stable' | 'HaveLocalOffer', remoteTarget: string | null = null) {
  return { callId: 'call-1', localTag: 'l', remoteTag: 'r', localURI: 'sip:1001@example.test', remoteURI: 'sip:1002@example.test', remoteTarget, signalingState };
}

describe('call machine: outgoing set-up', () => {
  it('starts in dialing with the outgoing and progressing tags and sends nothing', () => {
    const h = startCall({ direction: 'outgoing' });
    expect(h.snapshot.value).toBe('dialing');
    expect(h.snapshot.hasTag('outgoing')).toBe(true);
    expect(h.snapshot.hasTag('progressing')).toBe(true);
    expect(h.snapshot.hasTag('ringing')).toBe(false);
    expect(h.commands()).toEqual([]);
    expect(h.snapshot.context.times.ringingAt).toBeNull();
  });

  it('dialing → ringing on 180, without early media', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(180, { earlyMedia: false }));
    expect(h.snapshot.value).toBe('ringing');
    expect(h.snapshot.hasTag('ringing')).toBe(true);
    expect(h.snapshot.context.earlyMedia).toBe(false);
    expect(h.snapshot.context.lastProgressCode).toBe(180);
    expect(h.snapshot.context.times.ringingAt).toEqual(expect.any(Number));
    expect(h.emitted).toEqual([{ type: 'call.progress', code: 180, earlyMedia: false }]);
  });

  it('a 183 with early media after the 180 stays in ringing and keeps early media on', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(180, { earlyMedia: false }));
    const ringingAt = h.snapshot.context.times.ringingAt;
    h.port(progress(183, { earlyMedia: true }));
    expect(h.snapshot.value).toBe('ringing');
    expect(h.snapshot.context.earlyMedia).toBe(true);
    expect(h.snapshot.context.lastProgressCode).toBe(183);
    expect(h.snapshot.context.times.ringingAt).toBe(ringingAt);
    // a later 180 without SDP does not take early media away
    h.port(progress(180, { earlyMedia: false }));
    expect(h.snapshot.context.earlyMedia).toBe(true);
    expect(h.emittedOf('call.progress').map((e) => e.code)).toEqual([180, 183, 180]);
  });

  it('a first 183 with early media goes straight from dialing to ringing', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(183, { earlyMedia: true }));
    expect(h.snapshot.value).toBe('ringing');
    expect(h.snapshot.context.earlyMedia).toBe(true);
  });

  it('ringing → confirmed on SIP.ANSWERED (the 2xx, ACKed) in one step, with no command sent', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(180, { earlyMedia: false }));
    const steps = h.snapshotsAfter(() => h.port(answered()));
    expect(steps).toBe(1);
    expect(h.snapshot.context.times.answeredAt).toEqual(expect.any(Number));
    expect(h.snapshot.matches('confirmed')).toBe(true);
    expect(h.snapshot.value).toEqual({
      confirmed: {
        hold: 'active',
        remoteHold: 'notHeld',
        mute: 'unmuted',
        record: 'off',
        transfer: 'idle',
        video: 'off',
        camera: 'unmuted',
        source: 'camera',
      },
    });
    expect(h.snapshot.hasTag('established')).toBe(true);
    expect(h.snapshot.hasTag('progressing')).toBe(false);
    expect(h.emittedTypes()).toEqual(['call.progress', 'call.accepted', 'call.confirmed']);
    expect(h.commands()).toEqual([]);
  });

  it('a 200 without any 18x goes from dialing to confirmed', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(answered());
    expect(h.snapshot.matches('confirmed')).toBe(true);
    expect(h.emittedTypes()).toEqual(['call.accepted', 'call.confirmed']);
  });

  it('the 2xx tells identity, dialog and video in one event: emitted in the order the old events gave them', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(180));
    const dialog = dialogAt('Stable', 'sip:1002@example.test');
    h.emitted.length = 0;
    h.port(answered({ remote: carol, dialog, video: { send: true, receive: true } }));
    expect(h.emittedTypes()).toEqual(['call.video.changed', 'call.accepted', 'call.identity.changed', 'call.confirmed']);
    expect(h.snapshot.context.remote).toEqual(carol);
    expect(h.snapshot.context.identity.name).toBe('Carol');
    expect(h.snapshot.context.dialog).toEqual(dialog);
    expect(h.snapshot.context.video).toEqual({ send: true, receive: true });
    expect(h.snapshot.value).toMatchObject({ confirmed: { video: 'on' } });
  });

  it('a 1xx tells the early dialog and the identity with the progress', () => {
    const h = startCall({ direction: 'outgoing' });
    const dialog = dialogAt('HaveLocalOffer');
    h.port(progress(180, { remote: carol, dialog }));
    expect(h.emittedTypes()).toEqual(['call.progress', 'call.identity.changed']);
    expect(h.snapshot.context.dialog).toEqual(dialog);
    expect(h.snapshot.context.remote).toEqual(carol);
  });

  it('CALL.ANSWER on an outgoing call is refused and changes nothing', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(180, { earlyMedia: false }));
    expect(h.can({ type: 'CALL.ANSWER' })).toBe(false);
    h.send({ type: 'CALL.ANSWER' });
    expect(h.snapshot.value).toBe('ringing');
    expect(h.commands()).toEqual([]);
  });

  it('CALL.REJECT on an outgoing call is refused', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(180, { earlyMedia: false }));
    expect(h.can({ type: 'CALL.REJECT', code: 603 })).toBe(false);
    h.send({ type: 'CALL.REJECT', code: 603 });
    expect(h.snapshot.value).toBe('ringing');
    expect(h.commands()).toEqual([]);
  });
});

describe('call machine: incoming set-up', () => {
  it('starts in ringing (tag ringing) and sends nothing', () => {
    const h = startCall({ direction: 'incoming' });
    expect(h.snapshot.value).toBe('ringing');
    expect(h.snapshot.hasTag('ringing')).toBe(true);
    expect(h.snapshot.hasTag('outgoing')).toBe(false);
    expect(h.commands()).toEqual([]);
  });

  it('CALL.ANSWER sends PORT.ANSWER with the options → answering → confirmed', () => {
    const h = startCall({ direction: 'incoming' });
    const options = { video: false, extraHeaders: ['X-Test: 1'] };
    expect(h.can({ type: 'CALL.ANSWER', options })).toBe(true);
    h.send({ type: 'CALL.ANSWER', options });
    expect(h.snapshot.value).toBe('answering');
    expect(h.commands()).toEqual([{ type: 'PORT.ANSWER', options }]);
    h.port(answerSent());
    expect(h.snapshot.value).toBe('answering');
    h.port({ type: 'SIP.ACK.RECEIVED', dialog: null });
    expect(h.snapshot.matches('confirmed')).toBe(true);
    expect(h.snapshot.context.times.answeredAt).toEqual(expect.any(Number));
    expect(h.emittedTypes()).toEqual(['call.accepted', 'call.confirmed']);
  });

  it('CALL.ANSWER without options sends PORT.ANSWER with empty options', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.ANSWER' });
    expect(h.commands()).toEqual([{ type: 'PORT.ANSWER', options: {} }]);
  });

  it('SIP.ACK.RECEIVED without SIP.ANSWER.SENT still records answeredAt', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.ANSWER' });
    h.port({ type: 'SIP.ACK.RECEIVED', dialog: null });
    expect(h.snapshot.matches('confirmed')).toBe(true);
    expect(h.snapshot.context.times.answeredAt).toEqual(expect.any(Number));
  });

  it('a second CALL.ANSWER while answering is refused and not sent twice', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.ANSWER' });
    expect(h.can({ type: 'CALL.ANSWER' })).toBe(false);
    h.send({ type: 'CALL.ANSWER' });
    expect(h.types()).toEqual(['PORT.ANSWER']);
  });

  it('SIP.PROGRESS / SIP.ANSWERED on a ringing incoming call are ignored', () => {
    const h = startCall({ direction: 'incoming' });
    h.port(progress(180, { earlyMedia: true }));
    h.port(answered());
    expect(h.snapshot.value).toBe('ringing');
    expect(h.snapshot.context.earlyMedia).toBe(false);
    expect(h.emitted).toEqual([]);
  });
});

describe('call machine: initial context', () => {
  it('takes callId, direction, remote, permissions and consultationFor from the input', () => {
    const h = startCall({ callId: 'abc', direction: 'incoming', recordPermissions: 2, consultationFor: 'parent' });
    const c = h.snapshot.context;
    expect(c.callId).toBe('abc');
    expect(c.direction).toBe('incoming');
    expect(c.remote).toEqual({ number: '1002', name: 'Bob', uri: 'sip:1002@example.test' });
    expect(c.identity).toEqual({ name: 'Bob', avatar: null, company: null });
    expect(c.recordPermissions).toBe(2);
    expect(c.consultationFor).toBe('parent');
    expect(c.consultation).toBeNull();
    expect(c.end).toBeNull();
    expect(c.transfer).toBeNull();
  });

  it('defaults recordPermissions to 0 and consultationFor to null', () => {
    const h = startCall();
    expect(h.snapshot.context.recordPermissions).toBe(0);
    expect(h.snapshot.context.consultationFor).toBeNull();
  });
});

describe('call machine: identity, dialog, INFO and MESSAGE', () => {
  it('an identity told by our 200 going out updates remote and the identity name and emits call.identity.changed', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.ANSWER' });
    h.emitted.length = 0;
    const newRemote = { number: '2000', name: 'Carol', uri: 'sip:2000@example.test' };
    h.port(answerSent({ remote: newRemote }));
    expect(h.snapshot.context.remote).toEqual(newRemote);
    expect(h.snapshot.context.identity.name).toBe('Carol');
    expect(h.emitted).toEqual([
      { type: 'call.accepted' },
      { type: 'call.identity.changed', identity: { name: 'Carol', avatar: null, company: null }, remote: newRemote },
    ]);
  });

  it('a manual CALL.IDENTITY.SET is not overwritten by an identity the SIP messages tell', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.IDENTITY.SET', identity: { name: 'Boss', company: 'ACME' }, manual: true });
    expect(h.snapshot.context.identity).toEqual({ name: 'Boss', avatar: null, company: 'ACME' });
    h.send({ type: 'CALL.ANSWER' });
    h.port(answerSent({ remote: { number: '2000', name: 'Carol', uri: 'sip:2000@example.test' } }));
    expect(h.snapshot.context.identity).toEqual({ name: 'Boss', avatar: null, company: 'ACME' });
    expect(h.snapshot.context.remote.number).toBe('2000');
    expect(h.emittedOf('call.identity.changed')).toHaveLength(2);
  });

  it('the INVITE\'s dialog is stored', () => {
    const h = startCall();
    const dialog = dialogAt('Stable');
    h.port({ type: 'SIP.INVITE', dialog });
    expect(h.snapshot.context.dialog).toEqual(dialog);
  });

  it('CALL.INFO and CALL.MESSAGE go to the port only while confirmed', () => {
    const ringing = startCall({ direction: 'incoming' });
    expect(ringing.can({ type: 'CALL.INFO', contentType: 'text/plain', body: 'x' })).toBe(false);
    ringing.send({ type: 'CALL.INFO', contentType: 'text/plain', body: 'x' });
    expect(ringing.commands()).toEqual([]);

    const h = confirmedOutgoing();
    h.send({ type: 'CALL.INFO', contentType: 'application/dtmf-relay', body: 'Signal=1' });
    h.send({ type: 'CALL.MESSAGE', contentType: 'text/plain', body: 'hi' });
    expect(h.commands()).toEqual([
      { type: 'PORT.INFO', contentType: 'application/dtmf-relay', body: 'Signal=1' },
      { type: 'PORT.MESSAGE', contentType: 'text/plain', body: 'hi' },
    ]);
  });

  it('received INFO, MESSAGE, DTMF, re-INVITE and command failures are emitted', () => {
    const h = confirmedOutgoing();
    h.port({ type: 'SIP.INFO.RECEIVED', contentType: 'text/plain', body: 'a' });
    h.port({ type: 'SIP.MESSAGE.RECEIVED', contentType: 'text/plain', body: 'b' });
    h.port({ type: 'SIP.DTMF.RECEIVED', tone: '5', durationMs: 100, transport: 'info' });
    h.port(reinvite(false, true));
    h.port({ type: 'SIP.COMMAND.FAILED', command: 'PORT.INFO', reason: 'no dialog' });
    expect(h.emitted).toEqual([
      { type: 'call.info.received', contentType: 'text/plain', body: 'a' },
      { type: 'call.message.received', contentType: 'text/plain', body: 'b' },
      { type: 'call.dtmf.received', tone: '5', durationMs: 100 },
      { type: 'call.reinvite', video: true },
      { type: 'call.command.failed', command: 'PORT.INFO', reason: 'no dialog' },
    ]);
  });
});

describe('call machine: wrong-state events change nothing and never throw', () => {
  it('CALL.HOLD / MUTE / DTMF / RECORD / TRANSFER while dialing', () => {
    const h = startCall({ direction: 'outgoing', recordPermissions: 2 });
    const events = [
      { type: 'CALL.HOLD' },
      { type: 'CALL.UNHOLD' },
      { type: 'CALL.MUTE' },
      { type: 'CALL.UNMUTE' },
      { type: 'CALL.DTMF', tones: '1', options: DTMF_OPTIONS },
      { type: 'CALL.RECORD.START' },
      { type: 'CALL.RECORD.PAUSE' },
      { type: 'CALL.TRANSFER.BLIND', target: '1003' },
      { type: 'CALL.TRANSFER.COMPLETE' },
      { type: 'CALL.ANSWER' },
      { type: 'CALL.REJECT' },
    ] as const;
    for (const event of events) {
      expect(h.can(event)).toBe(false);
      expect(() => h.send(event)).not.toThrow();
      expect(h.snapshot.value).toBe('dialing');
    }
    expect(h.commands()).toEqual([]);
    expect(h.errors).toEqual([]);
  });

  it('SIP events meant for a confirmed call are ignored while ringing', () => {
    const h = startCall({ direction: 'incoming' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    h.port(reinvite(true));
    h.port({ type: 'SIP.REFER.NOTIFY', code: 200, reason: 'OK' });
    h.port({ type: 'SIP.RECORD.STATE', state: 'recording' });
    expect(h.snapshot.value).toBe('ringing');
    expect(h.errors).toEqual([]);
  });

  it('anything after ended is ignored without throwing', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const h = confirmedOutgoing();
      h.send({ type: 'CALL.HANGUP' });
      h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
      expect(h.snapshot.status).toBe('done');
      const end = h.snapshot.context.end;
      h.clearCommands();
      h.emitted.length = 0;
      expect(() => {
        h.send({ type: 'CALL.HANGUP' });
        h.send({ type: 'CALL.ANSWER' });
        h.send({ type: 'CALL.HOLD' });
        h.send({ type: 'CALL.MUTE' });
        h.send({ type: 'CALL.DTMF', tones: '1', options: DTMF_OPTIONS });
        h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
        h.send({ type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'remote' });
        h.send({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote' });
        h.send({ type: 'CALL.PERMISSIONS', recordPermissions: 2 });
      }).not.toThrow();
      expect(h.snapshot.value).toBe('ended');
      expect(h.snapshot.context.end).toBe(end);
      expect(h.snapshot.context.recordPermissions).toBe(0);
      expect(h.commands()).toEqual([]);
      expect(h.emitted).toEqual([]);
      expect(h.errors).toEqual([]);
      for (const type of ['CALL.HANGUP', 'CALL.ANSWER', 'CALL.HOLD', 'CALL.MUTE'] as const) {
        expect(h.can({ type })).toBe(false);
      }
    } finally {
      warn.mockRestore();
    }
  });

  it('CALL.HOLD twice sends one PORT.HOLD', () => {
    const h = confirmedIncoming();
    h.send({ type: 'CALL.HOLD' });
    expect(h.can({ type: 'CALL.HOLD' })).toBe(false);
    h.send({ type: 'CALL.HOLD' });
    expect(h.types()).toEqual(['PORT.HOLD']);
  });
});

describe('call machine: tags', () => {
  it('ringing, held, muted, recording, transferring and terminated', () => {
    const ringing = startCall({ direction: 'incoming' });
    expect(ringing.snapshot.hasTag('ringing')).toBe(true);

    const h = confirmedOutgoing({ recordPermissions: 2 });
    expect(h.snapshot.hasTag('ringing')).toBe(false);
    for (const tag of ['held', 'muted', 'recording', 'transferring', 'terminated'] as const) {
      expect(h.snapshot.hasTag(tag)).toBe(false);
    }
    h.send({ type: 'CALL.HOLD' });
    expect(h.snapshot.hasTag('held')).toBe(false);
    expect(h.snapshot.hasTag('holdPending')).toBe(true);
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    expect(h.snapshot.hasTag('held')).toBe(true);
    h.send({ type: 'CALL.MUTE' });
    expect(h.snapshot.hasTag('muted')).toBe(true);
    h.send({ type: 'CALL.RECORD.START' });
    expect(h.snapshot.hasTag('recording')).toBe(false);
    expect(h.snapshot.hasTag('recordPending')).toBe(true);
    h.port({ type: 'SIP.RECORD.SUCCEEDED', state: 'recording' });
    expect(h.snapshot.hasTag('recording')).toBe(true);
    h.send({ type: 'CALL.TRANSFER.BLIND', target: '1003' });
    expect(h.snapshot.hasTag('transferring')).toBe(true);
    h.send({ type: 'CALL.HANGUP' });
    expect(h.snapshot.hasTag('terminating')).toBe(true);
    expect(h.snapshot.hasTag('terminated')).toBe(false);
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    expect(h.snapshot.hasTag('terminated')).toBe(true);
    expect(h.snapshot.hasTag('held')).toBe(false);
    expect(h.snapshot.hasTag('muted')).toBe(false);
  });
});
