import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    memory: 'adapters/memory/index.ts',
    jssip: 'adapters/jssip/index.ts',
    node: 'adapters/jssip/node.ts',
    // callstate/inspect: Node (relay + page), the browser build (no relay), and the relay's command line.
    inspect: 'src/inspect/index.ts',
    'inspect-browser': 'src/inspect/browser.ts',
    'inspect-cli': 'src/inspect/cli.ts',
    // callstate/flows and the callstate-flows command (package.json "bin").
    flows: 'src/flows/index.ts',
    'flows-cli': 'src/flows/cli.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // The inspector page (bundled) and the statechart SVGs go to dist/inspector, served by the relay.
  onSuccess: 'node visualizations/inspector/build.mjs --outdir dist/inspector',
  external: ['xstate', 'rxjs', 'jssip', 'ws', '@roamhq/wrtc', '@viz-js/viz'],
});
