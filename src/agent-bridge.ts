import { fromCallback } from 'xstate';
import type { CallPort, UserAgentPort } from '../machines/port';
import type { AgentCommand, AgentEvent } from '../machines/phone.types';

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

function execute(agent: UserAgentPort, command: AgentCommand, sendBack: (event: AgentEvent) => void): void {
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
      return sendBack(created(agent.call(command.target, command.options), command.consultationFor));
    case 'AGENT.REJECT_CALL': {
      const port = agent.getCall(command.callId);
      port?.reject(command.code);
      return port?.dispose();
    }
    case 'AGENT.ACCEPT_REFER': {
      const port = agent.acceptRefer(command.referId, {});
      return port ? sendBack(created(port, null, command.callId)) : undefined;
    }
    case 'AGENT.REJECT_REFER':
      return agent.rejectRefer(command.referId);
  }
}

/**
 * The `ua` actor of the phone machine: forwards the user agent's events into the phone actor
 * (a new call port becomes `UA.CALL.CREATED`) and carries the phone's commands out on the agent.
 */
export function agentBridge(agent: UserAgentPort) {
  return fromCallback<AgentCommand, Record<string, never>>(({ sendBack, receive }) => {
    const unsubscribe = agent.subscribe((event) => {
      if (event.type === 'UA.CALL.INCOMING') sendBack(created(event.call, null));
      else sendBack(event);
    });
    receive((command) => {
      try {
        execute(agent, command, sendBack);
      } catch (error) {
        if (command.type === 'AGENT.CALL') sendBack({ type: 'UA.CALL.REFUSED', target: command.target, reason: String(error) });
      }
    });
    return unsubscribe;
  });
}
