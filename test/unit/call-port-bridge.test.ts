/**
 * The phone's port bridge: one listener per call port (the only one), commands carried out on the
 * port through the call machine's `tellPort` action, the port released when the call actor stops.
 */
import { createActor } from 'xstate';
import type { CallPort, CallPortEvent } from '../../machines/port';
import { callMachine } from '../../machines/call.machine';
import type { MediaStreamEvent } from '../../machines/call.types';
import { CallPorts } from '../../src/call-port-bridge';
import { remote } from '../support/recording-port';

/** A call port double: records its listeners, the commands it got, and whether it was disposed. */
function fakePort(callId: string, overrides: Partial<CallPort> = {}) {
  const listeners = new Set<(event: CallPortEvent) => void>();
  const calls: string[] = [];
  const port = {
    callId,
    direction: 'outgoing',
    remote: remote('1002'),
    replacesCallId: null,
    native: null,
    localStream: null,
    remoteStream: null,
    subscribe(listener: (event: CallPortEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hold: () => calls.push('hold'),
    hangup: () => calls.push('hangup'),
    dispose: () => calls.push('dispose'),
    ...overrides,
  } as unknown as CallPort;
  return { port, listeners, calls, emit: (event: CallPortEvent) => [...listeners].forEach((l) => l(event)) };
}

function callOn(ports: CallPorts, callId: string) {
  const actor = createActor(callMachine.provide({ actions: { tellPort: ports.tellPort } }), {
    input: { callId, direction: 'outgoing', remote: remote('1002') },
  }).start();
  const streams: MediaStreamEvent[] = [];
  ports.connect(callId, actor, (event) => streams.push(event));
  return { actor, streams };
}

const ANSWERED: CallPortEvent = { type: 'SIP.ANSWERED', remote: null, dialog: null, video: null };

describe('CallPorts', () => {
  it('is the port\'s only listener: each event reaches the call actor once, each command the port once', () => {
    const ports = new CallPorts();
    const fake = fakePort('c1');
    ports.add(fake.port);
    const { actor } = callOn(ports, 'c1');
    expect(fake.listeners.size).toBe(1);
    fake.emit(ANSWERED);
    expect(actor.getSnapshot().matches('confirmed')).toBe(true);
    actor.send({ type: 'CALL.HOLD' });
    expect(fake.calls).toEqual(['hold']);
    actor.stop();
  });

  it('releases the port once the call actor ends: listener removed, port disposed and forgotten', () => {
    const ports = new CallPorts();
    const fake = fakePort('c1');
    ports.add(fake.port);
    callOn(ports, 'c1');
    fake.emit(ANSWERED);
    expect(fake.calls).not.toContain('dispose');
    fake.emit({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote' });
    expect(fake.listeners.size).toBe(0);
    expect(fake.calls).toEqual(['dispose']);
    expect(ports.get('c1')).toBeUndefined();
  });

  it('a port that throws on a command is reported to the call as SIP.COMMAND.FAILED, never thrown', () => {
    const ports = new CallPorts();
    const fake = fakePort('c1', {
      hold: () => {
        throw new Error('stack exploded');
      },
    });
    ports.add(fake.port);
    const { actor } = callOn(ports, 'c1');
    const failed: unknown[] = [];
    actor.on('call.command.failed', (event) => failed.push(event));
    fake.emit(ANSWERED);
    expect(() => actor.send({ type: 'CALL.HOLD' })).not.toThrow();
    expect(failed).toEqual([{ type: 'call.command.failed', command: 'PORT.HOLD', reason: 'Error: stack exploded' }]);
    actor.stop();
  });

  it('a media stream: the call records that it has one, the stream itself goes to the facade', () => {
    const ports = new CallPorts();
    const fake = fakePort('c1');
    ports.add(fake.port);
    const { actor, streams } = callOn(ports, 'c1');
    const stream = { id: 'remote-stream' } as unknown as MediaStream;
    fake.emit({ type: 'MEDIA.STREAM', direction: 'remote', stream });
    expect(actor.getSnapshot().context.media).toEqual({ local: false, remote: true });
    expect(JSON.stringify(actor.getSnapshot().context)).not.toContain('remote-stream');
    expect(streams).toEqual([{ type: 'MEDIA.STREAM', direction: 'remote', stream }]);
    actor.stop();
  });

  it('a call whose port the stack does not know ends at once with internal-error', () => {
    const ports = new CallPorts();
    const { actor } = callOn(ports, 'nobody');
    expect(actor.getSnapshot().context.end).toMatchObject({ cause: 'internal-error', originator: 'system' });
  });
});
