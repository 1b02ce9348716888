import { createActor } from 'xstate';
import { callMachine } from '../../machines/call.machine';
import { phoneMachine, withCallDoneEvents } from '../../machines/phone.machine';
import { recordingSip, recordingUa, remote } from '../support/recording-port';

describe('withCallDoneEvents', () => {
  it('hands the machine one event type for every call that ends, whatever its id', () => {
    const ua = recordingUa();
    const sip = recordingSip();
    const base = phoneMachine.provide({ actors: { ua: ua.logic, call: callMachine.provide({ actions: { tellPort: sip.tellPort } }) } });
    const seen: string[] = [];
    const transition = base.transition.bind(base);
    base.transition = (snapshot, event, scope) => {
      seen.push(event.type);
      return transition(snapshot, event, scope);
    };
    const actor = createActor(withCallDoneEvents(base), { input: {} }).start();
    sip.resolveWith((callId) => actor.getSnapshot().context.calls[callId]?.ref);
    for (const callId of ['c1', 'c2']) {
      ua.send({ type: 'UA.CALL.CREATED', callId, direction: 'outgoing', remote: remote('1002'), replacesCallId: null, consultationFor: null, referredFrom: null });
      sip.send(callId, { type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'remote' });
    }
    expect(seen.filter((type) => type.startsWith('xstate.done.actor.'))).toEqual([]);
    expect(seen.filter((type) => type === 'PHONE.CALL_DONE')).toHaveLength(2);
    expect(actor.getSnapshot().context.calls).toEqual({});
    actor.stop();
  });
});

describe('phoneMachine', () => {
  it('is the machine with renamed done events, also once implementations are provided', () => {
    const ua = recordingUa();
    const sip = recordingSip();
    const machine = phoneMachine.provide({ actors: { ua: ua.logic, call: callMachine.provide({ actions: { tellPort: sip.tellPort } }) } });
    const handled: string[] = [];
    const actor = createActor(machine, {
      input: {},
      inspect: (event) => {
        if (event.type === '@xstate.microstep' && event.actorRef === actor) handled.push(event.event.type);
      },
    }).start();
    sip.resolveWith((callId) => actor.getSnapshot().context.calls[callId]?.ref);
    ua.send({ type: 'UA.CALL.CREATED', callId: 'c1', direction: 'outgoing', remote: remote('1002'), replacesCallId: null, consultationFor: null, referredFrom: null });
    sip.send('c1', { type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'remote' });
    expect(handled.filter((type) => type.startsWith('xstate.done.actor.'))).toEqual([]);
    expect(handled).toContain('PHONE.CALL_DONE');
    expect(actor.getSnapshot().context.calls).toEqual({});
    actor.stop();
  });
});
