/**
 * The naming convention shared by the generated statechart diagrams (`visualizations/*.svg`) and
 * anything that highlights live state in them (the offline inspector).
 *
 * - A state's **path** is the machine id followed by the keys from the root down, joined with `.`:
 *   `call`, `call.confirmed`, `call.confirmed.hold.held`, `phone.registration.failed`.
 * - In the SVG, every state's `<g>` element has that path as its `id`, atomic, final, compound and
 *   parallel states alike. Compound and parallel states are Graphviz clusters named
 *   `cluster_<path>`; their `<g>` still has `id="<path>"`.
 * - Every state's `<g>` also has the class `state` plus `state-<type>` (`state-atomic`,
 *   `state-compound`, `state-parallel`, `state-final`), and regions of a parallel state also
 *   `state-region`.
 * - Helper elements never use a bare path: initial markers are `initial:<parent path>`, the "any
 *   state" marker of transitions a compound state handles for all its descendants is
 *   `any:<path>`, and transition edges are `transition:<source>/<target>` (with
 *   `transition:any:<path>/<target>` for the marker's edges).
 *
 * @packageDocumentation
 */

/** A snapshot's state value: a key, or a key per active child (all regions of a parallel state). */
export type DiagramStateValue = string | { [key: string]: DiagramStateValue };

/** What {@link activeStatePaths} needs from a snapshot: a live XState snapshot, or its JSON form. */
export interface SnapshotLike {
  /** The snapshot's state value (`snapshot.value`). */
  value: DiagramStateValue;
  /** The machine, when the snapshot is live; only its `id` is read. */
  machine?: { id: string };
}

/** The separator between the keys of a state path. */
export const PATH_SEPARATOR = '.';

/**
 * The path of a state: the machine id followed by the state's keys from the root.
 *
 * @param machineId - the machine's `id` (`call`, `phone`)
 * @param keys - the state node's `path` (keys from the root, empty for the root itself)
 */
export function statePath(machineId: string, keys: readonly string[]): string {
  return [machineId, ...keys].join(PATH_SEPARATOR);
}

/** The Graphviz subgraph name of a compound or parallel state: `cluster_<path>`. */
export function clusterName(path: string): string {
  return `cluster_${path}`;
}

/** The id of the initial marker (the black dot) inside a compound state or region. */
export function initialMarkerId(parentPath: string): string {
  return `initial:${parentPath}`;
}

/** The id of the "any state" marker drawn for transitions that target a state's own descendants. */
export function anyStateMarkerId(path: string): string {
  return `any:${path}`;
}

/** The id of the edge drawn from `sourceId` (a state path or a marker id) to the state path `target`. */
export function transitionId(sourceId: string, target: string): string {
  return `transition:${sourceId}/${target}`;
}

/**
 * The paths of every active state of a snapshot, in the diagrams' id convention: the root, and
 * for each active leaf the leaf and all its ancestors (so every region of an active parallel state
 * is listed). Document order, each path once.
 *
 * @example
 * ```ts
 * activeStatePaths(callActor.getSnapshot());
 * // ['call', 'call.confirmed', 'call.confirmed.hold', 'call.confirmed.hold.held',
 * //  'call.confirmed.remoteHold', 'call.confirmed.remoteHold.notHeld', …]
 * ```
 *
 * @param snapshot - a machine snapshot (live, or serialized without its `machine`)
 * @param machineId - the machine's id; required when the snapshot carries no `machine`
 * @returns the active state paths; with each one, `document.getElementById(path)` finds the state in the SVG
 */
export function activeStatePaths(snapshot: SnapshotLike, machineId: string | undefined = snapshot.machine?.id): string[] {
  if (machineId === undefined) throw new TypeError('activeStatePaths: the snapshot has no machine; pass the machine id');
  const paths: string[] = [machineId];
  const walk = (value: DiagramStateValue, prefix: string): void => {
    if (typeof value === 'string') {
      paths.push(`${prefix}${PATH_SEPARATOR}${value}`);
      return;
    }
    for (const key of Object.keys(value)) {
      const path = `${prefix}${PATH_SEPARATOR}${key}`;
      paths.push(path);
      walk(value[key], path);
    }
  };
  walk(snapshot.value, machineId);
  return paths;
}

/**
 * The SVG element ids to highlight for a snapshot. The same list as {@link activeStatePaths}: in the
 * diagrams a state's element id is its path.
 */
export const stateNodeIds: (snapshot: SnapshotLike, machineId?: string) => string[] = activeStatePaths;
