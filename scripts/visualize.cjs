#!/usr/bin/env node
// `npm run visualize`: writes visualizations/{phone,call}.{dot,mmd,svg} from the machine definitions.
// The generators live in src/diagrams/ (TypeScript, loaded here through ts-node); this script only
// writes the files. `--check` writes nothing and exits 1 when a committed file is out of date.
'use strict';
const { mkdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

require('ts-node').register({
  transpileOnly: true,
  compilerOptions: { module: 'commonjs', moduleResolution: 'node' },
});
const { diagramFiles } = require('../src/diagrams');

const outDir = join(__dirname, '..', 'visualizations');
const check = process.argv.includes('--check');

diagramFiles().then(
  (files) => {
    mkdirSync(outDir, { recursive: true });
    let stale = 0;
    for (const [name, content] of Object.entries(files)) {
      const file = join(outDir, name);
      const same = existsSync(file) && readFileSync(file, 'utf8') === content;
      if (check) {
        if (!same) stale += 1;
        console.log(`${same ? 'up to date' : 'OUT OF DATE'}  visualizations/${name}`);
      } else {
        if (!same) writeFileSync(file, content);
        console.log(`${same ? 'unchanged' : 'wrote    '}  visualizations/${name}`);
      }
    }
    if (stale > 0) {
      console.error(`${stale} diagram file(s) out of date: run npm run visualize`);
      process.exit(1);
    }
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
