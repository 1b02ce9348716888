import type { EventObject } from 'xstate';

/** The part of an xstate/graph path this module reads. */
export interface StepPath<TEvent extends EventObject = EventObject> {
  readonly steps: ReadonlyArray<{ readonly event: TEvent }>;
}

function eventsKey(path: StepPath, length = path.steps.length): string {
  return path.steps
    .slice(1, length)
    .map((step) => JSON.stringify(step.event))
    .join('\n');
}

/**
 * Paths that no other path starts with, in their original order. A path that is the beginning of
 * another one checks nothing the longer one does not, so shortest paths to every state shrink to
 * the ones that end somewhere no longer path passes through. Deterministic.
 */
export function dropPrefixPaths<TPath extends StepPath>(paths: readonly TPath[]): TPath[] {
  const prefixes = new Set<string>();
  for (const path of paths) for (let n = 1; n < path.steps.length; n++) prefixes.add(eventsKey(path, n));
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = eventsKey(path);
    if (prefixes.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
