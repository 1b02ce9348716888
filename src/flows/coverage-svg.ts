import type { AnyStateMachine } from 'xstate';
import { anyStateMarkerId, transitionId } from '../diagrams/ids';
import { toDot } from '../diagrams/dot';
import type { MachineCoverage } from './coverage';

const COVERED = '#0a7d32';
const COVERED_FILL = '#dcf3e3';

/** The element ids of what `coverage` took: transition edges and state groups, in the diagrams' convention. */
export function coveredElementIds(coverage: MachineCoverage): { edges: string[]; states: string[] } {
  const edges = new Set<string>();
  for (const t of coverage.transitions.values()) {
    for (const target of t.targets) {
      edges.add(transitionId(t.source, target));
      edges.add(transitionId(anyStateMarkerId(t.source), target));
    }
  }
  return { edges: [...edges].sort(), states: [...coverage.nodes].sort() };
}

/** A stylesheet that draws the covered edges thick and green and fills the covered states. */
export function coverageStyle(coverage: MachineCoverage): string {
  const { edges, states } = coveredElementIds(coverage);
  const attr = (id: string) => `[id="${id.replace(/"/g, '\\"')}"]`;
  const rules = [
    ...edges.map((id) => `${attr(id)} path, ${attr(id)} polygon { stroke: ${COVERED}; stroke-width: 3px; }`),
    ...edges.map((id) => `${attr(id)} text { fill: ${COVERED}; font-weight: bold; }`),
    ...states.map((id) => `${attr(id)} > path, ${attr(id)} > polygon, ${attr(id)} > ellipse { fill: ${COVERED_FILL}; }`),
  ];
  return `<style type="text/css">\n/* covered by the run: ${edges.length} edge ids, ${states.length} states */\n${rules.join('\n')}\n</style>`;
}

/**
 * The machine's statechart as SVG (the same drawing as the generated diagrams, element ids
 * included) with what `coverage` took highlighted. Needs `@viz-js/viz` (Graphviz in WebAssembly),
 * loaded on first use.
 */
export async function coverageSvg(machine: AnyStateMachine, coverage: MachineCoverage): Promise<string> {
  const { renderSvg } = await import('../diagrams/svg');
  const svg = await renderSvg(toDot(machine));
  const style = coverageStyle(coverage);
  const at = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  return `${svg.slice(0, at)}\n${style}${svg.slice(at)}`;
}
