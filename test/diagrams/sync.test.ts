/**
 * The committed diagrams in visualizations/ must match the machines. When this fails, a machine
 * changed: run `npm run visualize` and commit the regenerated files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGRAM_MACHINES, diagramSources, renderSvg } from '../../src/diagrams';

const dir = join(__dirname, '..', '..', 'visualizations');
const committed = (name: string): string => readFileSync(join(dir, name), 'utf8');
const hint = 'out of date with its machine: run `npm run visualize` and commit visualizations/';

describe.each(DIAGRAM_MACHINES.map(({ name }) => name))('visualizations/%s', (name) => {
  const sources = diagramSources();

  test(`${name}.dot is generated from the machine (${hint})`, () => {
    expect(committed(`${name}.dot`)).toBe(sources[`${name}.dot`]);
  });

  test(`${name}.mmd is generated from the machine (${hint})`, () => {
    expect(committed(`${name}.mmd`)).toBe(sources[`${name}.mmd`]);
  });

  test(`${name}.svg is the rendering of ${name}.dot (${hint})`, async () => {
    expect(committed(`${name}.svg`)).toBe(await renderSvg(sources[`${name}.dot`]));
  });
});

test('generation is deterministic: two runs give identical text', () => {
  expect(diagramSources()).toEqual(diagramSources());
});
