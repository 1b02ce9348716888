/**
 * The source has no import loop, type-only imports included: every folder reads from the files it
 * imports, never back (the adapters' parts included: a call leg does not import the contract it is
 * written against, a user agent does not import the network), and the core imports nothing outside
 * itself: the contract a SIP stack implements is the core's, and the adapters stand on it.
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

/** The files under `dir` that import a file under one of `forbidden` (folders relative to the repository). */
function importsInto(dir: string, forbidden: string[]): string[] {
  return sources(join(root, dir)).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((folder) => target.startsWith(join(root, folder) + '/')))
      .map((target) => `${relative(root, file)} -> ${relative(root, target)}`),
  );
}

describe('the import graph', () => {
  it('keeps the core free of the adapters and the facade: machines/ imports only machines/', () => {
    expect(importsInto('machines', ['adapters', 'src'])).toEqual([]);
  });

  it('lets no adapter import the facade, and the facade import an adapter only in the callstate-flows command', () => {
    expect(importsInto('adapters', ['src'])).toEqual([]);
    expect(importsInto('src', ['adapters']).filter((edge) => !edge.startsWith('src/flows/command.ts -> '))).toEqual([]);
  });

  it('has no loop in machines/, adapters/ or src/', () => {
    const files = ['machines', 'adapters', 'src'].flatMap((dir) => sources(join(root, dir)));
    expect(files.length).toBeGreaterThan(50);
    expect(loops(files)).toEqual([]);
  });
});
