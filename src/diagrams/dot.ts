import type { AnyStateMachine } from 'xstate';
import { anyStateMarkerId, clusterName, initialMarkerId, transitionId } from './ids';
import { allStates, diagramModel, isWithin } from './model';
import type { DiagramState, DiagramTransition } from './model';

const FONT = 'Verdana';
const INK = '#1f2933';
const MUTED = '#52606d';
const EDGE = '#3e4c59';

/** A DOT double-quoted string. */
function q(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Text for a Graphviz HTML-like label. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function attrs(list: Record<string, string>): string {
  return Object.entries(list)
    .map(([key, value]) => `${key}=${value.startsWith('<') ? value : q(value)}`)
    .join(', ');
}

function isCluster(state: DiagramState): boolean {
  return state.type === 'compound' || state.type === 'parallel';
}

function stateClass(state: DiagramState): string {
  return ['state', `state-${state.type}`, ...(state.region ? ['state-region'] : [])].join(' ');
}

/** The transitions a state handles without leaving it (no target): listed inside the state. */
function internalLines(state: DiagramState): string[] {
  return state.transitions.filter((t) => t.targets.length === 0).map((t) => t.label);
}

/** An HTML-like label: the state's name in bold, then its internal transitions in small grey type. */
function stateLabel(state: DiagramState, title: string): string {
  const internal = internalLines(state);
  const head = `<B>${html(title)}</B>`;
  if (internal.length === 0) return `<${head}>`;
  const lines = internal.map((line) => `${html(line)}<BR ALIGN="LEFT"/>`).join('');
  return (
    `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">` +
    `<TR><TD ALIGN="LEFT">${head}</TD></TR>` +
    `<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="${MUTED}">${lines}</FONT></TD></TR>` +
    `</TABLE>>`
  );
}

interface Edge {
  id: string;
  tail: string;
  head: string;
  ltail: string | null;
  lhead: string | null;
  labels: string[];
}

/**
 * Graphviz DOT for a machine's statechart.
 *
 * Compound states are clusters (`cluster_<path>`, rounded), the children of a parallel state are
 * dashed clusters, initial states get a black-dot marker, final states are double circles. Edges
 * are labelled with the event type and the guard (`CALL.HANGUP [isIncoming]`), delays read
 * `after endingTimeout`, eventless transitions `always`; edges between the same two states are
 * merged into one with a label per line. Transitions without a target are listed inside their
 * state. Every state's SVG element gets its state path as `id` (see `src/diagrams/ids.ts`).
 * The output depends only on the machine definition, so it is byte-identical run after run.
 *
 * @param machine - an XState v5 machine
 * @returns DOT source, ending with a newline
 */
export function toDot(machine: AnyStateMachine): string {
  const root = diagramModel(machine);
  const byPath = new Map(allStates(root).map((state) => [state.path, state]));
  const get = (path: string): DiagramState => {
    const state = byPath.get(path);
    if (!state) throw new Error(`toDot: unknown state ${path}`);
    return state;
  };

  /** The leaf a state is entered at: itself, or its initial leaf (the first region's, for a parallel state). */
  const anchor = (state: DiagramState): string => {
    if (state.type === 'compound' && state.initial) return anchor(get(state.initial));
    if (state.type === 'parallel' && state.children.length > 0) return anchor(state.children[0]);
    return state.path;
  };

  /**
   * The node edges entering a cluster point at (clipped at the cluster's border): its initial
   * marker, or the first region's, so that Graphviz ranks the whole cluster after the edge's source.
   */
  const entryAnchor = (state: DiagramState): string => {
    if (state.type === 'compound' && state.initial) return initialMarkerId(state.path);
    if (state.type === 'parallel' && state.children.length > 0) return entryAnchor(state.children[0]);
    return state.path;
  };

  const leavesOf = (state: DiagramState): DiagramState[] =>
    isCluster(state) ? state.children.flatMap(leavesOf) : [state];

  /**
   * The node edges leaving a cluster start from: the leaf furthest (in transitions) from where
   * the cluster is entered, so that Graphviz ranks the exit's target after the whole cluster.
   */
  const exitAnchor = (state: DiagramState): string => {
    const leaves = leavesOf(state);
    const inside = new Set(leaves.map((leaf) => leaf.path));
    const next = new Map<string, string[]>(leaves.map((leaf) => [leaf.path, []]));
    for (const s of allStates(state)) {
      for (const t of s.transitions) {
        for (const target of t.targets) {
          const head = anchor(get(target));
          if (!inside.has(head)) continue;
          for (const from of leavesOf(s)) next.get(from.path)?.push(head);
        }
      }
    }
    const entries = state.type === 'parallel' ? state.children.map(anchor) : [anchor(state)];
    const distance = new Map<string, number>(entries.map((path) => [path, 0]));
    const queue = [...entries];
    while (queue.length > 0) {
      const path = queue.shift() as string;
      for (const head of next.get(path) ?? []) {
        if (distance.has(head)) continue;
        distance.set(head, (distance.get(path) as number) + 1);
        queue.push(head);
      }
    }
    let best = leaves[0].path;
    for (const leaf of leaves) if ((distance.get(leaf.path) ?? -1) >= (distance.get(best) ?? -1)) best = leaf.path;
    return best;
  };

  const anyMarkers = new Set<string>();
  const edges = new Map<string, Edge>();
  const addEdge = (source: DiagramState, transition: DiagramTransition, target: DiagramState): void => {
    let tail: string;
    let ltail: string | null = null;
    let sourceId = source.path;
    if (isCluster(source) && isWithin(target.path, source.path)) {
      sourceId = anyStateMarkerId(source.path);
      anyMarkers.add(source.path);
      tail = sourceId;
    } else if (isCluster(source)) {
      tail = exitAnchor(source);
      ltail = clusterName(source.path);
    } else {
      tail = source.path;
    }
    const tailContainer = sourceId === source.path ? tail : source.path;
    let head = target.path;
    let lhead: string | null = null;
    if (isCluster(target)) {
      head = entryAnchor(target);
      if (!isWithin(tailContainer, target.path)) lhead = clusterName(target.path);
    }
    const id = transitionId(sourceId, target.path);
    const edge = edges.get(id) ?? { id, tail, head, ltail, lhead, labels: [] };
    if (!edge.labels.includes(transition.label)) edge.labels.push(transition.label);
    edges.set(id, edge);
  };
  for (const state of byPath.values()) {
    for (const transition of state.transitions) {
      for (const target of transition.targets) addEdge(state, transition, get(target));
    }
  }

  const out: string[] = [];
  out.push(`digraph ${q(machine.id)} {`);
  out.push(
    `  graph [${attrs({
      id: `statechart:${machine.id}`,
      compound: 'true',
      newrank: 'true',
      rankdir: 'TB',
      nodesep: '0.35',
      ranksep: '0.45',
      fontname: FONT,
      fontsize: '12',
      fontcolor: INK,
      labeljust: 'l',
      pad: '0.2',
    })}];`,
  );
  out.push(
    `  node [${attrs({
      fontname: FONT,
      fontsize: '11',
      fontcolor: INK,
      shape: 'box',
      style: 'rounded,filled',
      fillcolor: '#ffffff',
      color: INK,
      penwidth: '1.2',
      margin: '0.24,0.07',
    })}];`,
  );
  out.push(`  edge [${attrs({ fontname: FONT, fontsize: '9', fontcolor: EDGE, color: EDGE, arrowsize: '0.7' })}];`);

  const emit = (state: DiagramState, depth: number): void => {
    const pad = '  '.repeat(depth);
    if (!isCluster(state)) {
      const shape: Record<string, string> =
        state.type === 'final'
          ? { shape: 'doublecircle', style: 'filled', fillcolor: '#ffffff', margin: '0.02', fontsize: '10' }
          : {};
      out.push(`${pad}${q(state.path)} [${attrs({ id: state.path, class: stateClass(state), label: stateLabel(state, state.key), ...shape })}];`);
      return;
    }
    const title = state.type === 'parallel' ? `${state.key} (parallel)` : state.key;
    const style: Record<string, string> = state.region
      ? { style: 'dashed,rounded', color: MUTED, penwidth: '1.2' }
      : state.type === 'parallel'
        ? { style: 'rounded,filled', color: INK, fillcolor: '#f5f7fa', penwidth: '1.8' }
        : { style: 'rounded,filled', color: INK, fillcolor: depth === 1 ? '#ffffff' : '#fbfcfd', penwidth: '1.2' };
    out.push(`${pad}subgraph ${q(clusterName(state.path))} {`);
    out.push(`${pad}  graph [${attrs({ id: state.path, class: stateClass(state), label: stateLabel(state, title), margin: '10', ...style })}];`);
    if (state.initial) {
      const marker = initialMarkerId(state.path);
      out.push(`${pad}  ${q(marker)} [${attrs({ id: marker, class: 'initial', shape: 'point', width: '0.12', color: INK, fillcolor: INK, style: 'filled', label: '' })}];`);
    }
    if (anyMarkers.has(state.path)) {
      const marker = anyStateMarkerId(state.path);
      out.push(
        `${pad}  ${q(marker)} [${attrs({ id: marker, class: 'any-state', shape: 'plaintext', style: '', label: '<<I>any state</I>>', fontsize: '9', fontcolor: MUTED, margin: '0' })}];`,
      );
    }
    for (const child of state.children) emit(child, depth + 1);
    out.push(`${pad}}`);
  };
  emit(root, 1);

  for (const state of byPath.values()) {
    if (state.type !== 'parallel') continue;
    const markers = state.children.filter((child) => child.initial).map((child) => q(initialMarkerId(child.path)));
    if (markers.length > 1) out.push(`  { rank=same; ${markers.join('; ')}; }`);
  }
  for (const state of byPath.values()) {
    if (!state.initial) continue;
    const target = get(state.initial);
    const marker = initialMarkerId(state.path);
    const extra: Record<string, string> = isCluster(target) ? { lhead: clusterName(target.path) } : {};
    out.push(`  ${q(marker)} -> ${q(entryAnchor(target))} [${attrs({ id: transitionId(marker, target.path), class: 'initial', ...extra })}];`);
  }
  for (const edge of edges.values()) {
    const list: Record<string, string> = { id: edge.id, class: 'transition', label: `<${edge.labels.map(html).join('<BR/>')}>` };
    if (edge.ltail) {
      list.ltail = edge.ltail;
      list.minlen = '2';
    }
    if (edge.lhead) list.lhead = edge.lhead;
    out.push(`  ${q(edge.tail)} -> ${q(edge.head)} [${attrs(list)}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
