/**
 * The source has no import loop, type-only imports included: every folder reads from the files it
 * imports, never back (the adapters' parts included: a call leg does not import the contract it is
 * written against, a user agent does not import the network).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s+'(\.[^']+)'/g)]
    .map(([, spec]) => resolve(dirname(file), spec!))
    .map((base) => [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path)))
    .filter((path): path is string => path !== undefined);
}

/** Each loop once, as the files along it (relative to the repository). */
function loops(files: string[]): string[] {
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const found = new Set<string>();
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const at = path.indexOf(file);
    if (at >= 0) {
      const loop = path.slice(at).map((f) => relative(root, f));
      const first = loop.indexOf([...loop].sort()[0]!);
      found.add([...loop.slice(first), ...loop.slice(0, first)].join(' -> '));
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of files) visit(file);
  return [...found];
}

describe('the import graph', () => {
  it('has no loop in machines/, adapters/ or src/', () => {
    const files = ['machines', 'adapters', 'src'].flatMap((dir) => sources(join(root, dir)));
    expect(files.length).toBeGreaterThan(50);
    expect(loops(files)).toEqual([]);
  });
});
