import { fromCallback } from 'xstate';
import type { ActorSystem } from 'xstate';
import type { CallPort, UserAgentPort } from '../machines/port';
import type { AgentCommand, AgentEvent } from '../machines/phone.types';
import type { CallPorts } from './call-port-bridge';

function created(port: CallPort, consultationFor: string | null, referredFrom: string | null = null): AgentEvent {
  return {
    type: 'UA.CALL.CREATED',
    callId: port.callId,
    direction: port.direction,
    remote: port.remote,
    replacesCallId: port.replacesCallId,
    consultationFor,
    referredFrom,
  };
}

function execute(agent: UserAgentPort, ports: CallPorts, command: AgentCommand, announce: (port: CallPort, consultationFor: string | null, referredFrom?: string | null) => void): void {
  switch (command.type) {
    case 'AGENT.START':
      return agent.start();
    case 'AGENT.STOP':
      return agent.stop();
    case 'AGENT.REGISTER':
      return agent.register();
    case 'AGENT.UNREGISTER':
      return agent.unregister();
    case 'AGENT.CREDENTIALS':
      return agent.setCredentials(command.credentials);
    case 'AGENT.CALL':
      return announce(agent.call(command.target, command.options), command.consultationFor);
    case 'AGENT.REJECT_CALL': {
      const port = ports.drop(command.callId);
      port?.reject(command.code);
      return port?.dispose();
    }
    case 'AGENT.ACCEPT_REFER': {
      const port = agent.acceptRefer(command.referId, {});
      return port ? announce(port, null, command.callId) : undefined;
    }
    case 'AGENT.REJECT_REFER':
      return agent.rejectRefer(command.referId);
  }
}

/**
 * The `ua` actor of the phone machine: forwards the user agent's events into the phone actor and
 * carries the phone's commands out on the agent. A new call port is handed to the phone's call ports
 * once, then announced to the phone as `UA.CALL.CREATED`. One logic for every phone: `wiringOf`
 * finds the agent and the ports of the phone whose actor system runs it.
 */
export function agentBridge(
  wiringOf: (system: ActorSystem<any>) => { readonly userAgent: UserAgentPort; readonly ports: CallPorts } | undefined,
) {
  return fromCallback<AgentCommand, Record<string, never>>(({ system, sendBack, receive }) => {
    const wiring = wiringOf(system);
    if (!wiring) return undefined;
    const { userAgent: agent, ports } = wiring;
    const announce = (port: CallPort, consultationFor: string | null, referredFrom: string | null = null) => {
      ports.add(port);
      sendBack(created(port, consultationFor, referredFrom));
    };
    const unsubscribe = agent.subscribe((event) => {
      if (event.type === 'UA.CALL.INCOMING') announce(event.call, null);
      else sendBack(event);
    });
    receive((command) => {
      try {
        execute(agent, ports, command, announce);
      } catch (error) {
        if (command.type === 'AGENT.CALL') sendBack({ type: 'UA.CALL.REFUSED', target: command.target, reason: String(error) });
      }
    });
    return unsubscribe;
  });
}
