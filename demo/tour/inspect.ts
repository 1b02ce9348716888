/**
 * Hook for `npm run demo -- --inspect`: the offline inspector (built on the `inspector` branch) plugs in
 * here. The tour accepts `initScripts` (run in every page before the demo starts) and the page passes
 * `window.callstateDemoInspect`, when a script defines it, to `createPhone({ inspect })`; the inspector
 * collects XState inspection events through that and writes them next to the screenshots.
 */
export interface InspectHook {
  /** Scripts for every page, run before the demo page's own code. */
  readonly initScripts: readonly string[];
  /** Called once the tour is over, with the output folder. */
  finish(outputDir: string): Promise<void>;
}

/** The inspector, once it exists; `null` on this branch. */
export function createInspectHook(): InspectHook | null {
  return null;
}
