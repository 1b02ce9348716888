import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    memory: 'adapters/memory/index.ts',
    jssip: 'adapters/jssip/index.ts',
    node: 'adapters/jssip/node.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['xstate', 'rxjs', 'jssip', 'ws', '@roamhq/wrtc'],
});
