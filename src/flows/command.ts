import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createJsSipUserAgent } from '../../adapters/jssip';
import { createToneStream, installNodeWebRtc } from '../../adapters/jssip/node';
import type { ToneStream } from '../../adapters/jssip/node';
import { callMachine } from '../../machines/call.machine';
import { phoneMachine } from '../../machines/phone.machine';
import { createRedactingInspector } from '../inspect/redact';
import { createPhone } from '../phone';
import type { Phone } from '../phone';
import { MachineCoverage, formatCoverage } from './coverage';
import { coverageSvg } from './coverage-svg';
import { createPbxCallModels, generateCallFlows } from './pbx-model';
import { formatJUnit, formatJson, formatTable } from './report';
import type { FlowReport } from './report';
import { endAllCalls, runCallFlow } from './runner';
import type { FlowParties, FlowParty, FlowResult } from './runner';

/** The usage text of `callstate-flows`. */
export const FLOWS_USAGE = `usage: callstate-flows --server wss://pbx.example.com/ws --account 1001:secret --account 1002:secret
                       [--account 1003:secret] [--domain pbx.example.com] [--filter TEXT]
                       [--junit report.xml] [--json report.json] [--svg DIR] [--step-timeout MS]

Registers the accounts with JsSIP and runs the call flows generated from callstate's call machine
between them, with real calls: the first account's call is the one checked, the second is the far
end (it answers, rejects, holds and hangs up as each flow says), the third, when given, receives
transfers. Prints a table of the flows; exits 0 when every flow passed, 1 when one failed, 2 on bad
arguments. Every call placed is ended before it exits. Passwords are never printed.

  --server URL       WebSocket URL of the PBX (ws:// or wss://)
  --account N:PASS   an extension and its password; two or three, in the order above
  --domain NAME      SIP domain of the accounts (default: the server's host name)
  --filter TEXT      run only the flows whose name or steps contain TEXT (case-insensitive; e.g. hold)
  --junit FILE       also write JUnit XML
  --json FILE        also write the results as JSON
  --svg DIR          write the call and phone statecharts with the covered transitions highlighted
  --step-timeout MS  longest wait for one step (default 10000)
  --list             print the generated flows and exit (registers nothing)
  --help             print this and exit`;

/** Where the command writes: its output lines and its error lines. */
export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

interface Account {
  readonly number: string;
  readonly password: string;
}

function parseAccount(text: string): Account | null {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) return null;
  const number = text.slice(0, colon);
  return /^[A-Za-z0-9_.+-]+$/.test(number) ? { number, password: text.slice(colon + 1) } : null;
}

/**
 * `callstate-flows`: parse `argv` (without the node and script names), run, report; resolves to the
 * exit code. Nothing it prints contains a password.
 */
export async function runFlowsCommand(argv: readonly string[], io: CommandIo = { out: console.log, err: console.error }): Promise<number> {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        server: { type: 'string' },
        account: { type: 'string', multiple: true },
        domain: { type: 'string' },
        filter: { type: 'string' },
        junit: { type: 'string' },
        json: { type: 'string' },
        svg: { type: 'string' },
        'step-timeout': { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs quotes the offending argument, which may be a password: say only what kind of mistake it was.
    const code = (error as { code?: string }).code ?? 'ERR_PARSE_ARGS';
    io.err(`callstate-flows: bad arguments (${code})\n\n${FLOWS_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(FLOWS_USAGE);
    return 0;
  }
  const filter = typeof values.filter === 'string' ? values.filter.toLowerCase() : null;
  const flows = generateCallFlows(createPbxCallModels()).filter(
    (flow) => filter === null || `${flow.name} ${describeFlow(flow)}`.toLowerCase().includes(filter),
  );
  if (values.list) {
    for (const flow of flows) io.out(`${flow.name}: ${describeFlow(flow)}`);
    return 0;
  }
  const server = values.server;
  if (typeof server !== 'string' || !/^wss?:\/\/[^/\s]+/.test(server)) {
    io.err(`callstate-flows: --server must be a ws:// or wss:// URL\n\n${FLOWS_USAGE}`);
    return 2;
  }
  const accounts = ((values.account as string[] | undefined) ?? []).map(parseAccount);
  if (accounts.length < 2 || accounts.length > 3 || accounts.some((a) => a === null)) {
    io.err(`callstate-flows: give two or three --account NUMBER:PASSWORD\n\n${FLOWS_USAGE}`);
    return 2;
  }
  const stepTimeoutMs = values['step-timeout'] === undefined ? 10_000 : Number(values['step-timeout']);
  if (!Number.isInteger(stepTimeoutMs) || stepTimeoutMs <= 0) {
    io.err(`callstate-flows: --step-timeout must be a positive integer (ms)\n\n${FLOWS_USAGE}`);
    return 2;
  }
  if (flows.length === 0) {
    io.err(`callstate-flows: no flow matches --filter ${JSON.stringify(values.filter)}`);
    return 2;
  }
  const domain = typeof values.domain === 'string' ? values.domain : new URL(server).hostname;
  return run({
    server,
    domain,
    accounts: accounts as Account[],
    flows,
    stepTimeoutMs,
    junit: values.junit as string | undefined,
    json: values.json as string | undefined,
    svg: values.svg as string | undefined,
    io,
  });
}

function describeFlow(flow: { path: { steps: ReadonlyArray<{ event: { type: string } }> } }): string {
  return flow.path.steps
    .slice(1)
    .map((s) => s.event.type)
    .join(' → ');
}

interface RunPlan {
  readonly server: string;
  readonly domain: string;
  readonly accounts: readonly Account[];
  readonly flows: ReturnType<typeof generateCallFlows>;
  readonly stepTimeoutMs: number;
  readonly junit?: string;
  readonly json?: string;
  readonly svg?: string;
  readonly io: CommandIo;
}

async function run(plan: RunPlan): Promise<number> {
  const { io } = plan;
  const started = Date.now();
  installNodeWebRtc();
  const tones: ToneStream[] = [];
  const media = () => {
    const tone = createToneStream(300 + 50 * (tones.length % 10));
    tones.push(tone);
    return { mediaStream: tone.stream };
  };
  const callCoverage = new MachineCoverage(callMachine);
  const phoneCoverage = new MachineCoverage(phoneMachine);
  const phones: Phone[] = [];
  let parties: FlowParties | null = null;
  const results: FlowResult[] = [];
  // Interrupted (Ctrl+C, a CI job cancelled): end every call before going, as at the end of a run.
  const interrupt = (signal: NodeJS.Signals) => {
    io.err(`callstate-flows: ${signal}: ending every call`);
    const done = () => {
      for (const phone of phones) phone.destroy();
      for (const tone of tones) tone.stop();
      process.exit(130);
    };
    if (parties === null) return done();
    void endAllCalls(parties, 3_000).finally(done);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const party = (account: Account, checked: boolean): FlowParty => {
      const userAgent = createJsSipUserAgent({
        uri: `sip:${account.number}@${plan.domain}`,
        servers: plan.server,
        credentials: { authorizationUser: account.number, password: account.password },
        iceGathering: { stopAtFirstHostCandidate: true },
        connectionRecovery: { minInterval: 1, maxInterval: 4 },
      });
      const inspect = checked
        ? createRedactingInspector((event) => {
            callCoverage.inspect(event);
            phoneCoverage.inspect(event);
          })
        : undefined;
      const phone = createPhone({ userAgent, qualityReports: false, autoHold: false, inspect });
      phones.push(phone);
      return { phone, number: account.number };
    };
    const [self, peer, target] = plan.accounts.map((account, i) => party(account, i === 0));
    parties = { self, peer, target };
    io.out(`callstate-flows: registering ${plan.accounts.map((a) => a.number).join(', ')} at ${plan.server}`);
    await Promise.all(phones.map((phone, i) => registered(phone, plan.accounts[i].number, plan.stepTimeoutMs)));
    phoneCoverage.enterValue({ transport: 'disconnected', registration: 'unregistered' });
    io.out(`callstate-flows: running ${plan.flows.length} flows`);
    for (const [i, flow] of plan.flows.entries()) {
      if (flow.path.steps.some((s) => s.event.type.startsWith('CALL.TRANSFER')) && !target) {
        results.push(skipped(flow.name, describeFlow(flow), flow.path.steps.length - 1));
        io.out(`[${i + 1}/${plan.flows.length}] ${flow.name}: skipped (a transfer needs a third --account)`);
        continue;
      }
      callCoverage.countPath();
      const result = await runCallFlow(flow, parties, { stepTimeoutMs: plan.stepTimeoutMs, media });
      results.push(result);
      const where = result.failedAt ? ` at step ${result.failedAt.step} ${result.failedAt.event}` : '';
      io.out(`[${i + 1}/${plan.flows.length}] ${flow.name}: ${result.passed ? 'pass' : `FAIL${where}`} (${result.durationMs} ms)`);
    }
  } catch (error) {
    io.err(`callstate-flows: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    const ended = parties === null ? true : await endAllCalls(parties, plan.stepTimeoutMs);
    if (!ended) io.err('callstate-flows: some calls did not end; they were terminated');
    for (const phone of phones) phone.destroy();
    for (const tone of tones) tone.stop();
  }
  phoneCoverage.countPath();
  const report: FlowReport = {
    server: plan.server,
    results,
    wallTimeMs: Date.now() - started,
    coverage: [
      `call machine (real stack): ${formatCoverage(callCoverage.figures())}`,
      `phone machine (real stack): ${formatCoverage(phoneCoverage.figures())}`,
    ],
  };
  io.out('');
  io.out(formatTable(results));
  io.out('');
  for (const line of report.coverage) io.out(line);
  const failed = results.filter((r) => !r.passed && !r.skipped).length;
  const passed = results.filter((r) => r.passed).length;
  io.out(`${passed} passed, ${failed} failed, ${results.length - passed - failed} skipped; wall time ${(report.wallTimeMs / 1000).toFixed(1)} s`);
  if (plan.junit) writeFileSync(plan.junit, formatJUnit(report));
  if (plan.json) writeFileSync(plan.json, formatJson(report));
  if (plan.svg) {
    mkdirSync(plan.svg, { recursive: true });
    for (const [name, machine, coverage] of [
      ['call', callMachine, callCoverage],
      ['phone', phoneMachine, phoneCoverage],
    ] as const) {
      const file = join(plan.svg, `${name}.coverage.svg`);
      try {
        writeFileSync(file, await coverageSvg(machine, coverage));
        io.out(`wrote ${file}`);
      } catch (error) {
        io.err(`callstate-flows: could not draw ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return failed > 0 || results.length === 0 ? 1 : 0;
}

function skipped(name: string, path: string, steps: number): FlowResult {
  return { name, path, steps, passed: false, skipped: true, failedAt: null, expected: null, observed: null, error: null, durationMs: 0 };
}

function registered(phone: Phone, number: string, timeoutMs: number): Promise<void> {
  if (phone.isRegistered) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${number} did not register within ${timeoutMs} ms`));
    }, timeoutMs);
    const offOk = phone.on('registered', () => {
      stop();
      resolve();
    });
    const offFailed = phone.on('registrationFailed', ({ cause, code, willRetry }) => {
      if (willRetry) return;
      stop();
      reject(new Error(`${number} could not register: ${cause}${code === null ? '' : ` (${code})`}`));
    });
    const stop = () => {
      clearTimeout(timer);
      offOk();
      offFailed();
    };
    phone.start();
  });
}
