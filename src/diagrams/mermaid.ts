import type { AnyStateMachine } from 'xstate';
export function toMermaid(machine: AnyStateMachine): string {
  return `stateDiagram-v2\n%% ${machine.id}\n`;
}
