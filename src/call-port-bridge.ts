import type { ActorSystem } from 'xstate';
import type { CallPort } from '../machines/port';
import type { CallEvent, CallPortCommand, MediaStreamEvent } from '../machines/call.types';

/** The part of a call actor the bridge needs: where port events go, and when the call is over. */
interface CallActor {
  send(event: CallEvent): void;
  subscribe(observer: { complete: () => void; error: (error: unknown) => void }): unknown;
}

/** Carries one call machine command out on its port. */
function execute(port: CallPort, command: CallPortCommand, ports: CallPorts): void {
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
      const consultation = ports.get(command.consultationId);
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

/**
 * The bridge between a phone's call actors and their call ports, one per phone. The user agent's
 * bridge hands each new port here once ({@link CallPorts.add}); the call machine's `tellPort` action
 * carries commands out on it ({@link CallPorts.tellPort}, supplied with `.provide()`); and one
 * listener per port, the port's only one, hands each of its events to the call actor
 * ({@link CallPorts.connect}). When the call actor stops, the port is released and forgotten.
 */
export class CallPorts {
  private readonly ports = new Map<string, CallPort>();

  /** A new call's port, before the phone creates the call's actor. */
  add(port: CallPort): void {
    this.ports.set(port.callId, port);
  }

  /** The port of call `callId`, while the call exists. */
  get(callId: string): CallPort | undefined {
    return this.ports.get(callId);
  }

  /** Forget a port the phone did not take (a call declined at once): the port is released. */
  drop(callId: string): CallPort | undefined {
    const port = this.ports.get(callId);
    this.ports.delete(callId);
    return port;
  }

  /**
   * The call machine's `tellPort` action: carries `command` out on the call's port. A port that throws
   * is reported to the call as `SIP.COMMAND.FAILED`, so the machine can roll back, never as an exception.
   */
  readonly tellPort = ({ context, self }: { context: { callId: string }; self: { send(event: CallEvent): void } }, command: CallPortCommand): void => {
    const port = this.ports.get(context.callId);
    if (!port) {
      self.send({ type: 'SIP.COMMAND.FAILED', command: command.type, reason: 'the SIP stack does not know this call' });
      return;
    }
    try {
      execute(port, command, this);
    } catch (error) {
      self.send({ type: 'SIP.COMMAND.FAILED', command: command.type, reason: String(error) });
    }
  };

  /**
   * Start delivering the port's events to the call actor `call` (what the port kept before is
   * replayed now, in order, by the port's own delivery rule). Called once the facade listens to the
   * actor, so nothing the call emits is lost. A media stream goes to the actor (which records that it
   * exists) and then, the stream itself, to `onStream`. Once the actor stops, the port is released.
   */
  connect(callId: string, call: CallActor, onStream: (event: MediaStreamEvent) => void): void {
    const port = this.ports.get(callId);
    if (!port) {
      call.send({ type: 'SIP.FAILED', cause: 'internal-error', code: null, originator: 'system', reason: 'the SIP stack does not know this call' });
      return;
    }
    const unsubscribe = port.subscribe((event) => {
      call.send(event);
      if (event.type === 'MEDIA.STREAM') onStream(event);
    });
    const release = () => {
      unsubscribe();
      port.dispose();
      if (this.ports.get(callId) === port) this.ports.delete(callId);
    };
    call.subscribe({ complete: release, error: release });
  }

  /** Forget every port (the phone is destroyed and its user agent disposes them). */
  clear(): void {
    this.ports.clear();
  }
}

/**
 * The call machine's `tellPort` action for every phone: carries a command out on the call's port
 * through the call ports of the phone whose actor system runs the call (found by `portsOf`).
 */
export function tellPhonePort(portsOf: (system: ActorSystem<any>) => CallPorts | undefined) {
  return (args: { context: { callId: string }; self: { send(event: CallEvent): void }; system: ActorSystem<any> }, command: CallPortCommand): void => {
    const ports = portsOf(args.system);
    if (ports) ports.tellPort(args, command);
    else args.self.send({ type: 'SIP.COMMAND.FAILED', command: command.type, reason: 'the call belongs to no phone' });
  };
}
