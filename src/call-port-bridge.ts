import { fromCallback } from 'xstate';
import type { CallPort, CallPortEvent, UserAgentPort } from '../machines/port';
import type { CallEvent, CallPortCommand } from '../machines/call.types';

/** Carries one call machine command out on its port. */
function execute(port: CallPort, command: CallPortCommand, agent: UserAgentPort): void {
  switch (command.type) {
    case 'PORT.ANSWER':
      return port.answer(command.options);
    case 'PORT.REJECT':
      return port.reject(command.code);
    case 'PORT.CANCEL':
      return port.cancel();
    case 'PORT.HANGUP':
      return port.hangup();
    case 'PORT.HOLD':
      return port.hold();
    case 'PORT.UNHOLD':
      return port.unhold();
    case 'PORT.MUTE':
      return port.mute();
    case 'PORT.UNMUTE':
      return port.unmute();
    case 'PORT.DTMF':
      return port.sendDtmf(command.tones, command.options);
    case 'PORT.REFER':
      return port.refer(command.target, null);
    case 'PORT.REFER.ATTENDED': {
      const consultation = agent.getCall(command.consultationId);
      return consultation ? port.refer(consultation.remote.uri, consultation) : undefined;
    }
    case 'PORT.RECORD':
      return port.record(command.action);
    case 'PORT.INFO':
      return port.sendInfo(command.contentType, command.body);
    case 'PORT.MESSAGE':
      return port.sendMessage(command.contentType, command.body);
    case 'PORT.VIDEO.ADD':
      return port.addVideo(command.cameraId);
    case 'PORT.VIDEO.REMOVE':
      return port.removeVideo();
    case 'PORT.VIDEO.ACCEPT':
      return port.acceptVideo(command.cameraId);
    case 'PORT.VIDEO.DECLINE':
      return port.declineVideo();
    case 'PORT.VIDEO.MUTE':
      return port.muteVideo();
    case 'PORT.VIDEO.UNMUTE':
      return port.unmuteVideo();
    case 'PORT.SCREEN.START':
      return port.startScreenShare();
    case 'PORT.SCREEN.STOP':
      return port.stopScreenShare();
  }
}

function isSipEvent(event: CallPortEvent): event is Exclude<CallPortEvent, { type: 'MEDIA.STREAM' }> {
  return event.type !== 'MEDIA.STREAM';
}

/**
 * The `sip` actor of a call machine: forwards the call port's `SIP.*` events into the call actor
 * and carries the actor's commands out on the port. A port that throws is reported as
 * `SIP.COMMAND.FAILED` so the machine can roll back, never as an exception.
 */
export function callPortBridge(agent: UserAgentPort) {
  return fromCallback<CallPortCommand, { callId: string }>(({ input, sendBack, receive }) => {
    const port = agent.getCall(input.callId);
    if (!port) {
      sendBack({ type: 'SIP.FAILED', cause: 'internal-error', code: null, originator: 'system', reason: 'the SIP stack does not know this call' });
      return undefined;
    }
    // What the port replays on subscribe (and whatever follows before that replay is delivered) reaches
    // the machine a microtask later, once the facade has wrapped the new call and can hear its events.
    let replay: CallEvent[] | null = [];
    const unsubscribe = port.subscribe((event) => {
      if (!isSipEvent(event)) return;
      if (replay) replay.push(event as CallEvent);
      else sendBack(event as CallEvent);
    });
    void Promise.resolve().then(() => {
      const pending = replay ?? [];
      replay = null;
      for (const event of pending) sendBack(event);
    });
    receive((command) => {
      try {
        execute(port, command, agent);
      } catch (error) {
        sendBack({ type: 'SIP.COMMAND.FAILED', command: command.type, reason: String(error) });
      }
    });
    return () => {
      unsubscribe();
      port.dispose();
    };
  });
}
