/**
 * The reports of `callstate-flows`: the table, JUnit XML and JSON built from flow results.
 */
import { formatJUnit, formatJson, formatTable } from '../../src/flows/report';
import type { FlowReport } from '../../src/flows/report';
import type { FlowResult } from '../../src/flows/runner';

const confirmed = { direction: 'outgoing', phase: 'confirmed', hold: 'active', remoteHold: false, muted: false, recording: 'off', transfer: 'idle', end: null } as const;

const results: FlowResult[] = [
  { name: 'outgoing call #1', path: 'SIP.PROGRESS(code=180)', steps: 1, passed: true, failedAt: null, expected: null, observed: null, error: null, durationMs: 120 },
  {
    name: 'outgoing call #2',
    path: 'CALL.HOLD → SIP.HOLD.SUCCEEDED',
    steps: 5,
    passed: false,
    failedAt: { step: 4, event: 'CALL.HOLD' },
    expected: { ...confirmed, hold: 'holding' },
    observed: confirmed,
    error: 'no confirmed state as the model says within 10000 ms <&>',
    durationMs: 10_050,
  },
  { name: 'outgoing call #3', path: 'CALL.TRANSFER.BLIND(target=1003)', steps: 4, passed: false, skipped: true, failedAt: null, expected: null, observed: null, error: null, durationMs: 0 },
];
const report: FlowReport = { server: 'wss://pbx.example.com/ws', results, wallTimeMs: 10_170, coverage: ['call machine (real stack): paths 2, …'] };

test('the table has one row per flow: result, the failed step, expected vs observed', () => {
  const lines = formatTable(results).split('\n');
  expect(lines[0]).toMatch(/^flow\s+steps\s+result\s+failed at\s+expected\s+observed$/);
  expect(lines[2]).toMatch(/^outgoing call #1\s+1\s+pass$/);
  expect(lines[3]).toMatch(/^outgoing call #2\s+5\s+FAIL\s+4 CALL.HOLD\s+confirmed hold=holding\s+confirmed$/);
  expect(lines[4]).toMatch(/^outgoing call #3\s+4\s+skip$/);
});

test('JUnit XML counts failures (not skips), escapes text and carries expected vs observed', () => {
  const xml = formatJUnit(report);
  expect(xml).toContain('<testsuite name="callstate-flows" tests="3" failures="1" time="10.170">');
  expect(xml).toContain('<skipped/>');
  expect(xml).toContain('step 4 CALL.HOLD: expected confirmed hold=holding, observed confirmed');
  expect(xml).toContain('within 10000 ms &lt;&amp;&gt;');
  expect(xml).not.toContain('<&>');
});

test('JSON round-trips the whole report', () => {
  expect(JSON.parse(formatJson(report))).toEqual(report);
});
