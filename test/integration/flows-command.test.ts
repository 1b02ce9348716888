/**
 * `callstate-flows` against the project's Kamailio in the loopback-only namespace: the command
 * itself (bundled from src/flows/cli.ts, run as a child process like the published bin) runs every
 * generated call flow between three JsSIP accounts; and the runner reports a failing step with
 * expected vs observed and leaves no call up.
 */
import { spawn } from 'child_process';
import { mkdirSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { buildSync } from 'esbuild';
import { createJsSipUserAgent } from '../../adapters/jssip';
import { createToneStream, installNodeWebRtc } from '../../adapters/jssip/node';
import type { ToneStream } from '../../adapters/jssip/node';
import { createPhone } from '../../src';
import type { Phone } from '../../src';
import { createPbxCallModels, generateCallFlows } from '../../src/flows/pbx-model';
import { endAllCalls, runCallFlow } from '../../src/flows/runner';
import type { FlowParties } from '../../src/flows/runner';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';

jest.setTimeout(600_000);

const OUT = join(__dirname, '..', '..', 'test-output', 'flows');

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(OUT, 'callstate-flows.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describeIntegration('callstate-flows against Kamailio', () => {
  let k: Kamailio;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    buildSync({
      entryPoints: [join(__dirname, '..', '..', 'src', 'flows', 'cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: join(OUT, 'callstate-flows.js'),
      external: ['jssip', 'ws', '@roamhq/wrtc', 'xstate', 'rxjs', 'fast-deep-equal', '@viz-js/viz'],
      logLevel: 'error',
    });
    k = await Kamailio.start();
  });

  afterAll(async () => {
    await k?.stop();
  });

  test('--help prints the usage and registers nothing', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: callstate-flows --server');
  });

  test('bad arguments exit 2 without echoing a password', async () => {
    const { code, stderr } = await runCli(['--server', k.wsUrl, '--account', '2101:pw2101', '--bogus=pw2101']);
    expect(code).toBe(2);
    expect(stderr).not.toContain('pw2101');
  });

  test('runs every generated call flow between three registered accounts, all pass, nothing secret printed', async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await runCli([
      '--server',
      k.wsUrl,
      '--account',
      '2101:pw2101',
      '--account',
      '2102:pw2102',
      '--account',
      '2103:pw2103',
      '--junit',
      join(OUT, 'report.xml'),
      '--json',
      join(OUT, 'report.json'),
      '--svg',
      join(OUT, 'svg'),
    ]);
    process.stdout.write(`\n--- callstate-flows (${((Date.now() - started) / 1000).toFixed(1)} s) ---\n${stdout}\n${stderr}\n`);
    const flows = generateCallFlows(createPbxCallModels());
    for (const secret of ['pw2101', 'pw2102', 'pw2103']) expect(stdout + stderr).not.toContain(secret);
    expect(stdout).toMatch(/flow\s+steps\s+result\s+failed at\s+expected\s+observed/);
    expect(stdout).toContain(`[${flows.length}/${flows.length}]`);
    const report = JSON.parse(readFileSync(join(OUT, 'report.json'), 'utf8')) as { results: Array<{ name: string; passed: boolean; error: string | null }> };
    expect(report.results.filter((r) => !r.passed)).toEqual([]);
    expect(report.results).toHaveLength(flows.length);
    const junit = readFileSync(join(OUT, 'report.xml'), 'utf8');
    expect(junit).toContain(`<testsuite name="callstate-flows" tests="${flows.length}" failures="0"`);
    expect(stdout).toMatch(/call machine \(real stack\): paths \d+, states covered \d+\/\d+, transitions covered \d+\/\d+/);
    expect(stdout).toMatch(/phone machine \(real stack\): paths \d+, states covered \d+\/\d+, transitions covered \d+\/\d+/);
    for (const name of ['call', 'phone']) {
      const svg = readFileSync(join(OUT, 'svg', `${name}.coverage.svg`), 'utf8');
      expect(svg).toContain('covered by the run');
    }
    expect(readFileSync(join(OUT, 'svg', 'call.coverage.svg'), 'utf8')).toContain('[id="transition:call.dialing/call.ringing"]');
    expect(code).toBe(0);
  });

  test('interrupted (SIGINT) in the middle of the run, it ends every call and exits 130', async () => {
    const child = spawn(
      process.execPath,
      [join(OUT, 'callstate-flows.js'), '--server', k.wsUrl, '--account', '2111:pw2111', '--account', '2112:pw2112', '--account', '2113:pw2113'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/\[1\/\d+\]/.test(stdout)) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('SIGINT: ending every call');
    expect(stdout + stderr).not.toContain('pw211');
  });

  describe('the runner on a failing step', () => {
    const tones: ToneStream[] = [];
    const phones: Phone[] = [];
    let parties: FlowParties;

    beforeAll(async () => {
      installNodeWebRtc();
      const party = (number: string) => {
        const phone = createPhone({
          userAgent: createJsSipUserAgent({
            uri: `sip:${number}@${k.domain}`,
            servers: k.wsUrl,
            credentials: { authorizationUser: number, password: `pw${number}` },
            iceGathering: { stopAtFirstHostCandidate: true },
          }),
          qualityReports: false,
          autoHold: false,
        });
        phones.push(phone);
        return { phone, number };
      };
      parties = { self: party('2201'), peer: party('2202'), target: party('2203') };
      await Promise.all(
        phones.map(
          (phone) =>
            new Promise<void>((resolve) => {
              phone.on('registered', () => resolve());
              phone.start();
            }),
        ),
      );
    });

    afterAll(() => {
      for (const phone of phones) phone.destroy();
      for (const tone of tones) tone.stop();
    });

    test('a step whose state never comes is reported with expected vs observed, and every call is ended', async () => {
      const flow = generateCallFlows(createPbxCallModels()).find((f) => f.path.steps.some((s) => s.event.type === 'CALL.HOLD'));
      expect(flow).toBeDefined();
      const hold = flow!.path.steps.findIndex((s) => s.event.type === 'CALL.HOLD');
      // A model that is wrong about one step: after the hold it expects the call to be ringing.
      const ringing = flow!.path.steps.find((s) => s.state.matches('ringing'))!.state;
      const steps = flow!.path.steps.map((s, i) => (i === hold ? { ...s, state: ringing } : s));
      const broken = { ...flow!, path: { ...flow!.path, steps } };
      const media = () => {
        const tone = createToneStream();
        tones.push(tone);
        return { mediaStream: tone.stream };
      };
      const result = await runCallFlow(broken, parties, { stepTimeoutMs: 3_000, media });
      expect(result.passed).toBe(false);
      expect(result.failedAt).toEqual({ step: hold, event: 'CALL.HOLD' });
      expect(result.expected?.phase).toBe('ringing');
      expect(result.observed?.phase).toBe('confirmed');
      expect(result.error).toContain('within 3000 ms');
      // No call is left up on any of the three phones (the far end's leg included).
      for (const phone of phones) {
        expect(phone.getSessions().filter((s) => s.state.phase !== 'ended')).toEqual([]);
      }
      expect(await endAllCalls(parties, 1_000)).toBe(true);
    });
  });
});
