import type { AnyStateMachine } from 'xstate';
import { allStates, diagramModel, isWithin } from './model';
import type { DiagramState } from './model';

/** A Mermaid state id for a state path: the path with every non-word character turned into `_`. */
function mermaidId(path: string): string {
  return path.replace(/\W/g, '_');
}

/** Text safe in a Mermaid transition label or note (no `:` or `;`, which Mermaid would split on). */
function text(label: string): string {
  return label.replace(/[:;]/g, ' ').replace(/"/g, "'");
}

/**
 * Mermaid `stateDiagram-v2` text for a machine's statechart.
 *
 * The machine is one composite state named after its id; compound states are nested composites
 * and the regions of a parallel state are separated by `--`. `[*] -->` marks initial states and
 * `--> [*]` final ones. Transitions read like the DOT edges (`CALL.HANGUP [isIncoming]`,
 * `after endingTimeout`, `always`). Transitions a compound state handles for all its descendants
 * and transitions without a target are listed in a note beside the state. Mermaid state ids are
 * the state paths with `.` replaced by `_`.
 *
 * @param machine - an XState v5 machine
 * @returns Mermaid source, ending with a newline
 */
export function toMermaid(machine: AnyStateMachine): string {
  const root = diagramModel(machine);
  const states = allStates(root);
  const ids = new Map<string, string>();
  for (const state of states) {
    const id = mermaidId(state.path);
    if ([...ids.values()].includes(id)) throw new Error(`toMermaid: two states map to the Mermaid id ${id}`);
    ids.set(state.path, id);
  }
  const idOf = (path: string): string => ids.get(path) as string;

  const out: string[] = ['stateDiagram-v2', `  %% The ${machine.id} machine, generated from its definition by \`npm run visualize\`. Do not edit.`];
  const notes: string[] = [];
  const edges: string[] = [];

  for (const state of states) {
    const noteLines: string[] = [];
    for (const t of state.transitions) {
      if (t.targets.length === 0) {
        noteLines.push(text(t.label));
        continue;
      }
      for (const target of t.targets) {
        const compound = state.type === 'compound' || state.type === 'parallel';
        if (compound && isWithin(target, state.path)) {
          const relative = target.slice(state.path.length + 1) || state.key;
          noteLines.push(`${text(t.label)} → ${relative} (from any state)`);
        } else {
          edges.push(`  ${idOf(state.path)} --> ${idOf(target)} : ${text(t.label)}`);
        }
      }
    }
    if (noteLines.length > 0) notes.push(`  note right of ${idOf(state.path)}`, ...noteLines.map((line) => `    ${line}`), '  end note');
  }

  const emit = (state: DiagramState, depth: number): void => {
    const pad = '  '.repeat(depth);
    const id = idOf(state.path);
    if (state.type !== 'compound' && state.type !== 'parallel') {
      out.push(`${pad}state "${state.key}" as ${id}`);
      if (state.type === 'final') out.push(`${pad}${id} --> [*]`);
      return;
    }
    const title = state.type === 'parallel' ? `${state.key} (parallel)` : state.key;
    out.push(`${pad}state "${title}" as ${id} {`);
    if (state.initial) out.push(`${pad}  [*] --> ${idOf(state.initial)}`);
    state.children.forEach((child, index) => {
      if (state.type === 'parallel' && index > 0) out.push(`${pad}  --`);
      emit(child, depth + 1);
    });
    out.push(`${pad}}`);
  };
  out.push(`  [*] --> ${idOf(root.path)}`);
  emit(root, 1);
  out.push(...edges, ...notes);
  return `${out.join('\n')}\n`;
}
