// Loads the built package through its exports map, as an ESM and as a CommonJS consumer would.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const entries = ['callstate', 'callstate/memory', 'callstate/jssip', 'callstate/node', 'callstate/inspect', 'callstate/flows'];
for (const entry of entries) {
  const esm = await import(entry);
  const cjs = require(entry);
  const names = Object.keys(esm).sort();
  if (names.length === 0) throw new Error(`${entry}: the ESM build exports nothing`);
  if (JSON.stringify(names) !== JSON.stringify(Object.keys(cjs).sort())) throw new Error(`${entry}: ESM and CJS exports differ`);
  console.log(`${entry}: ${names.length} exports (ESM and CJS agree)`);
}
const { createPhone } = await import('callstate');
const { MemorySipNetwork } = await import('callstate/memory');
const network = new MemorySipNetwork();
network.addAccount({ number: '1001', password: 'secret' });
const phone = createPhone({ userAgent: network.createUserAgent({ number: '1001', password: 'secret' }), qualityReports: false });
phone.start();
await network.settle();
if (!phone.isRegistered) throw new Error('the built package could not register a memory phone');
phone.destroy();
console.log('built package registers a phone: ok');

// The callstate-flows bin: executable, with a shebang, and it answers --help.
import { accessSync, constants, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
const pkgDir = dirname(require.resolve('callstate/package.json'));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const bin = join(pkgDir, pkg.bin['callstate-flows']);
if (!readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node')) throw new Error(`${bin} has no shebang`);
accessSync(bin, constants.X_OK);
if (!execFileSync(bin, ['--help'], { encoding: 'utf8' }).includes('usage: callstate-flows')) throw new Error('callstate-flows --help printed no usage');
console.log('callstate-flows bin: shebang, executable, --help: ok');
