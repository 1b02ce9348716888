import type { Observed } from './call-model';
import type { FlowResult } from './runner';

/** A whole run: every flow's result, the wall time and the coverage lines. */
export interface FlowReport {
  readonly server: string;
  readonly results: readonly FlowResult[];
  readonly wallTimeMs: number;
  /** `call machine: paths N, states covered A/B, transitions covered C/D`, one per machine. */
  readonly coverage: readonly string[];
}

function short(observed: Observed | null): string {
  if (observed === null) return '-';
  const parts: string[] = [observed.phase];
  if (observed.phase === 'confirmed') {
    if (observed.hold !== 'active') parts.push(`hold=${observed.hold}`);
    if (observed.remoteHold) parts.push('remoteHold');
    if (observed.muted) parts.push('muted');
    if (observed.transfer !== 'idle' && observed.transfer !== null) parts.push(`transfer=${observed.transfer}`);
  }
  if (observed.end) parts.push(`${observed.end.cause}/${observed.end.code ?? '-'}/${observed.end.originator}`);
  return parts.join(' ');
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The results as a plain-text table: flow, steps, pass/fail, the failing step, expected vs observed. */
export function formatTable(results: readonly FlowResult[]): string {
  const rows = results.map((r) => [
    r.name,
    String(r.steps),
    r.passed ? 'pass' : r.skipped ? 'skip' : 'FAIL',
    r.failedAt ? `${r.failedAt.step} ${r.failedAt.event}` : '',
    r.passed || r.skipped ? '' : short(r.expected),
    r.passed || r.skipped ? '' : short(r.observed),
  ]);
  const head = ['flow', 'steps', 'result', 'failed at', 'expected', 'observed'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => pad(cell, widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one test case per flow, a failure element with expected vs observed for a failed one. */
export function formatJUnit(report: FlowReport): string {
  const failures = report.results.filter((r) => !r.passed && !r.skipped).length;
  const cases = report.results.map((r) => {
    const open = `    <testcase classname="callstate-flows" name="${xml(`${r.name}: ${r.path}`)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
    if (r.passed) return `${open}/>`;
    if (r.skipped) return `${open}>\n      <skipped/>\n    </testcase>`;
    const message = `step ${r.failedAt?.step} ${r.failedAt?.event}: expected ${short(r.expected)}, observed ${short(r.observed)}`;
    return `${open}>\n      <failure message="${xml(message)}">${xml(`${r.error ?? ''}\nexpected: ${JSON.stringify(r.expected)}\nobserved: ${JSON.stringify(r.observed)}`)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${report.results.length}" failures="${failures}" time="${(report.wallTimeMs / 1000).toFixed(3)}">`,
    `  <testsuite name="callstate-flows" tests="${report.results.length}" failures="${failures}" time="${(report.wallTimeMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** The report as JSON. */
export function formatJson(report: FlowReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
