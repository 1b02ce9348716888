/**
 * Statechart diagrams generated from the machine definitions: Graphviz DOT and Mermaid
 * `stateDiagram-v2` text (pure), and SVG rendered from the DOT with WASM Graphviz.
 * `npm run visualize` writes them to `visualizations/`; `test/diagrams/sync.test.ts` fails when the
 * committed files no longer match the machines.
 *
 * @packageDocumentation
 */
import type { AnyStateMachine } from 'xstate';
import { callMachine } from '../../machines/call.machine';
import { phoneMachine } from '../../machines/phone.machine';
import { toDot } from './dot';
import { toMermaid } from './mermaid';
import { renderSvg } from './svg';

export { toDot } from './dot';
export { toMermaid } from './mermaid';
export { renderSvg } from './svg';
export { diagramModel } from './model';
export type { DiagramState, DiagramStateType, DiagramTransition } from './model';

/** The machines drawn in `visualizations/`, by file base name. */
export const DIAGRAM_MACHINES: ReadonlyArray<{ name: string; machine: AnyStateMachine }> = [
  { name: 'phone', machine: phoneMachine },
  { name: 'call', machine: callMachine },
];

/**
 * The text sources of every diagram, keyed by file name relative to `visualizations/`
 * (`call.dot`, `call.mmd`, …). Pure and synchronous.
 */
export function diagramSources(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const { name, machine } of DIAGRAM_MACHINES) {
    files[`${name}.dot`] = toDot(machine);
    files[`${name}.mmd`] = toMermaid(machine);
  }
  return files;
}

/**
 * Every diagram file, keyed by file name relative to `visualizations/`: the DOT and Mermaid
 * sources and the SVG rendered from the DOT.
 */
export async function diagramFiles(): Promise<Record<string, string>> {
  const files = diagramSources();
  for (const { name } of DIAGRAM_MACHINES) files[`${name}.svg`] = await renderSvg(files[`${name}.dot`]);
  return Object.fromEntries(Object.keys(files).sort().map((key) => [key, files[key]]));
}
