/**
 * Reads the API names out of the seed documents in `../shared/seeds/` (and the PhoneOperator tables of
 * `../shared/research/yeastar-sdk.md`, which list what the 003 extraction dropped). Each parser is
 * tied to the layout of its document; they fail loudly rather than return nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `../shared` relative to the repository. */
export const SHARED_DIR = join(__dirname, '../../../shared');
export const SEEDS_DIR = join(SHARED_DIR, 'seeds');
export const RESEARCH_FILE = join(SHARED_DIR, 'research/yeastar-sdk.md');

export interface ApiNames {
  readonly attributes: string[];
  readonly methods: string[];
  readonly events: string[];
}

/** The text of the seed whose file name starts with `prefix` (e.g. `000`); throws when missing. */
export function readSeed(prefix: string): string {
  if (!existsSync(SEEDS_DIR)) throw new Error(`seed directory missing: ${SEEDS_DIR}`);
  const file = readdirSync(SEEDS_DIR).find((name) => name.startsWith(`${prefix}_`) && name.endsWith('.txt'));
  if (!file) throw new Error(`seed ${prefix}_*.txt missing in ${SEEDS_DIR}`);
  const text = readFileSync(join(SEEDS_DIR, file), 'utf8').replace(/\r\n/g, '\n');
  if (text.trim() === '') throw new Error(`seed ${file} is empty`);
  return text;
}

export function readResearch(): string {
  if (!existsSync(RESEARCH_FILE)) throw new Error(`research file missing: ${RESEARCH_FILE}`);
  return readFileSync(RESEARCH_FILE, 'utf8').replace(/\r\n/g, '\n');
}

const unique = (names: Iterable<string>): string[] => [...new Set(names)];
const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Lines from the first line matching `start` (exclusive) up to the first later line matching `end`. */
function section(text: string, start: RegExp, end: RegExp | null): string[] {
  const lines = text.split('\n');
  const from = lines.findIndex((line) => start.test(line));
  if (from === -1) throw new Error(`section ${start} not found`);
  const rest = lines.slice(from + 1);
  const to = end ? rest.findIndex((line) => end.test(line)) : -1;
  return to === -1 ? rest : rest.slice(0, to);
}

/** `name(` at the start of a line (optionally after `▸ **`), or in backticks anywhere. */
function methodNames(lines: string[]): string[] {
  const names: string[] = [];
  for (const line of lines) {
    const start = /^\s*(?:▸\s*\*\*)?([a-z][A-Za-z0-9]*)\*{0,2}\(/.exec(line);
    if (start) names.push(start[1]);
    for (const match of line.matchAll(/`([a-z][A-Za-z0-9]*)\(/g)) names.push(match[1]);
  }
  return unique(names);
}

/** First cells of a markdown table (`| name | … |`), header and separator rows skipped. */
function markdownTableFirstCells(lines: string[]): string[] {
  const rows = lines.filter((line) => line.trim().startsWith('|'));
  return rows
    .slice(2)
    .map((row) => /^`?([A-Za-z_$][\w$]*)/.exec(row.split('|')[1].trim())?.[1] ?? '')
    .filter((cell) => IDENT.test(cell));
}

/** 000: a Parameters table, a "Methods" list of links, and an Events section of `name` lines. */
export function parseSeed000(text: string): ApiNames {
  const attributes = markdownTableFirstCells(section(text, /^## Parameters/, /^## /));
  const listed = section(text, /^## Methods/, /^\*{4}/)
    .map((line) => /^\s*-\s*\[([A-Za-z]+)\]/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  const signatures = methodNames(section(text, /^## Methods/, /^## Events/));
  const events = section(text, /^## Events/, null)
    .map((line) => /^([a-z][A-Za-z]+)(?:\s+[a-z][A-Za-z]*)?\s*$/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  return { attributes, methods: unique([...listed, ...signatures]), events: unique(events) };
}

/** 001: plain-text tables: "Attributes Type Description" rows, `name(` signature lines, "Event Name …" rows. */
export function parseSeed001(text: string): ApiNames {
  const attributeRows = section(text, /^Attributes Type Description/, /^\s*$/);
  const attributes = attributeRows.map((row) => row.split(/\s+/)[0]).filter((name) => IDENT.test(name));
  const methods = methodNames(section(text, /^Method\s*$/, /^Events\s*$/));
  const events = section(text, /^Event Name Description/, null)
    .map((line) => /^([a-z][A-Za-z]+) [A-Z]/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  return { attributes, methods, events: unique(events) };
}

/** 002: the "les méthodes" list of `name();` lines. */
export function parseSeed002Methods(text: string): string[] {
  return methodNames(section(text, /^### les méthodes/, null));
}

/**
 * 003: "name type description" attribute rows, `name(` signatures at line start, and the one event
 * line the extraction kept with its name (`deleteSession A session is deleted.`).
 */
export function parseSeed003(text: string): ApiNames {
  const lines = text.split('\n');
  const header = lines.findIndex((line) => /^Attributes Type Description/.test(line));
  if (header === -1) throw new Error('003: attribute table not found');
  const attributes: string[] = [];
  for (const line of lines.slice(header + 1)) {
    const row = /^([a-z][A-Za-z]+) (string|number|boolean|\{|Map<|Session\b|session\[\])/.exec(line);
    if (row) attributes.push(row[1]);
    else if (/^[A-Za-z]/.test(line) && attributes.length > 0 && /^\S+\(/.test(line)) break;
  }
  const methods = methodNames(lines);
  const events = lines
    .map((line) => /^([a-z][A-Za-z]+) A session is/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  return { attributes: unique(attributes), methods, events };
}

/** yeastar-sdk.md §2.2: the PhoneOperator attribute, method and event tables. */
export function parseResearchPhoneOperator(text: string): ApiNames {
  const lines = section(text, /^### 2\.2 /, /^### 2\.3 /);
  const part = (start: RegExp, end: RegExp | null): string[] => {
    const from = lines.findIndex((line) => start.test(line));
    if (from === -1) throw new Error(`yeastar-sdk.md §2.2: ${start} not found`);
    const rest = lines.slice(from + 1);
    const to = end ? rest.findIndex((line) => end.test(line)) : -1;
    return to === -1 ? rest : rest.slice(0, to);
  };
  const attributes = markdownTableFirstCells(part(/^Attributes:/, /^Methods\./));
  const methodRows = part(/^Methods\./, /^Events/).filter((line) => line.startsWith('|')).slice(2);
  const methods = unique(methodRows.flatMap((row) => [...row.split('|')[1].matchAll(/`([a-z][A-Za-z0-9]*)\(/g)].map((m) => m[1])));
  const events = markdownTableFirstCells(part(/^Events/, null));
  return { attributes, methods, events };
}

/** 004: the Properties and Methods lists of the SIP.js Session interface. */
export function parseSeed004(text: string): { properties: string[]; methods: string[] } {
  const links = (lines: string[]) =>
    lines.map((line) => /^\s*-\s*\[([A-Za-z]+)\]/.exec(line)?.[1]).filter((name): name is string => name !== undefined);
  return {
    properties: links(section(text, /^### Properties/, /^### Methods/)),
    methods: links(section(text, /^### Methods/, /^## /)),
  };
}
