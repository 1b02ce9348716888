import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quickStart } from '../examples/quick-start';

const root = join(__dirname, '..');

test('the README quick start is examples/quick-start.ts, verbatim', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = readFileSync(join(root, 'examples/quick-start.ts'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  expect(block?.[1]).toBe(example);
});

test('the quick start runs as written and shows the call going dialing → confirmed → held → ended', async () => {
  const lines: string[] = [];
  await quickStart((line) => lines.push(line));
  expect(lines).toEqual(['dialing', 'confirmed active', 'confirmed holding', 'confirmed held', 'ending', 'ended']);
});
