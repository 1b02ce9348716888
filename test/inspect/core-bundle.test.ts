/**
 * The core entry (`callstate`) carries no inspection code: the redaction lives in `callstate/inspect`,
 * and `createPhone({ inspect })` takes an inspector that redacts already.
 */
import { build } from 'esbuild';
import { join } from 'path';

const root = join(__dirname, '..', '..');

async function inputsOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    external: ['xstate', 'rxjs', 'jssip', 'fast-deep-equal'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('the core bundle', () => {
  it('leaves the inspection redaction out of the core entry and keeps it in callstate/inspect', async () => {
    const core = await inputsOf('src/index.ts');
    expect(core).toContain('src/phone.ts');
    expect(core.filter((path) => path.startsWith('src/inspect/'))).toEqual([]);
    expect(await inputsOf('src/inspect/browser.ts')).toContain('src/inspect/redact.ts');
  });
});
