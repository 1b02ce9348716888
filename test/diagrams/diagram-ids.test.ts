import { activeStatePaths, clusterName, statePath, stateNodeIds } from '../../src/diagrams/ids';
import { diagramSources } from '../../src/diagrams';
import { allStates, diagramModel } from '../../src/diagrams/model';
import { callMachine } from '../../machines/call.machine';
import { phoneMachine } from '../../machines/phone.machine';
import { startCall, stopAllCalls } from '../support/call-harness';
import { startPhone, stopAllPhones } from '../support/phone-harness';

afterEach(() => {
  stopAllCalls();
  stopAllPhones();
});

test('a state path is the machine id and the keys from the root', () => {
  expect(statePath('call', [])).toBe('call');
  expect(statePath('call', ['confirmed', 'hold', 'held'])).toBe('call.confirmed.hold.held');
  expect(clusterName('call.confirmed')).toBe('cluster_call.confirmed');
});

test('a fresh call is in its root and, eventlessly, in dialing', () => {
  const call = startCall();
  expect(activeStatePaths(call.snapshot)).toEqual(['call', 'call.dialing']);
});

test('a held call lists every region of confirmed, each active leaf and its ancestors', () => {
  const call = startCall();
  call.port({ type: 'SIP.ANSWERED', remote: null, dialog: null, video: null } as never);
  call.send({ type: 'CALL.HOLD' });
  call.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null } as never);
  expect(call.snapshot.matches({ confirmed: { hold: 'held' } })).toBe(true);
  expect(activeStatePaths(call.snapshot)).toEqual([
    'call',
    'call.confirmed',
    'call.confirmed.hold',
    'call.confirmed.hold.held',
    'call.confirmed.remoteHold',
    'call.confirmed.remoteHold.notHeld',
    'call.confirmed.mute',
    'call.confirmed.mute.unmuted',
    'call.confirmed.record',
    'call.confirmed.record.off',
    'call.confirmed.transfer',
    'call.confirmed.transfer.idle',
    'call.confirmed.video',
    'call.confirmed.video.off',
    'call.confirmed.camera',
    'call.confirmed.camera.unmuted',
    'call.confirmed.source',
    'call.confirmed.source.camera',
  ]);
  expect(stateNodeIds(call.snapshot)).toEqual(activeStatePaths(call.snapshot));
});

test('nested compound states inside a region: a blind transfer in progress', () => {
  const value = { confirmed: { hold: 'active', remoteHold: 'notHeld', mute: 'muted', record: 'off', transfer: { blind: 'referring' } } };
  expect(activeStatePaths({ value }, 'call')).toEqual([
    'call',
    'call.confirmed',
    'call.confirmed.hold',
    'call.confirmed.hold.active',
    'call.confirmed.remoteHold',
    'call.confirmed.remoteHold.notHeld',
    'call.confirmed.mute',
    'call.confirmed.mute.muted',
    'call.confirmed.record',
    'call.confirmed.record.off',
    'call.confirmed.transfer',
    'call.confirmed.transfer.blind',
    'call.confirmed.transfer.blind.referring',
  ]);
});

test('the phone: a parallel root lists both regions', () => {
  const phone = startPhone();
  expect(activeStatePaths(phone.snapshot)).toEqual([
    'phone',
    'phone.transport',
    'phone.transport.disconnected',
    'phone.registration',
    'phone.registration.unregistered',
  ]);
});

test('a serialized snapshot (no machine) needs the machine id', () => {
  const call = startCall();
  const json = JSON.parse(JSON.stringify(call.snapshot)) as { value: string };
  expect(activeStatePaths({ value: json.value }, 'call')).toEqual(['call', 'call.dialing']);
  expect(() => activeStatePaths({ value: json.value })).toThrow(TypeError);
});

test('every path activeStatePaths can return is a state id drawn in the diagrams', () => {
  const sources = diagramSources();
  for (const [name, machine] of [['call', callMachine], ['phone', phoneMachine]] as const) {
    const dot = sources[`${name}.dot`];
    for (const state of allStates(diagramModel(machine))) {
      expect(dot).toContain(`id="${state.path}"`);
    }
  }
});
