/**
 * Generated call flows whose far end a JsSIP phone cannot play (it never refuses a re-INVITE and
 * always rings before answering), run through `createPhone` on JsSIP with sipp as the far end,
 * through the project's Kamailio. The flows come from the same generation as the memory model test;
 * each sipp scenario plays the far end's part of exactly one flow.
 */
import { callMachine } from '../../machines/call.machine';
import { createJsSipUserAgent } from '../../adapters/jssip';
import { createToneStream, installNodeWebRtc } from '../../adapters/jssip/node';
import type { ToneStream } from '../../adapters/jssip/node';
import { createPhone } from '../../src';
import { createRedactingInspector } from '../../src/inspect/redact';
import type { Phone } from '../../src';
import { E, createCallModel, describePath } from '../../src/flows/call-model';
import type { CallPath } from '../../src/flows/call-model';
import { MachineCoverage, formatCoverage } from '../../src/flows/coverage';
import { runCallFlow } from '../../src/flows/runner';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';
import { SippUas } from './sipp';

jest.setTimeout(60_000);

/** Each scenario and the far end's events of the one flow it plays, in order. */
const SCENARIOS: ReadonlyArray<{ scenario: string; events: readonly object[] }> = [
  { scenario: 'flow-hold-488', events: [E.answered, E.hold, E.holdFailed] },
];

describeIntegration('generated call flows with sipp as the far end', () => {
  let k: Kamailio;
  let phone: Phone;
  const tones: ToneStream[] = [];
  const coverage = new MachineCoverage(callMachine);
  const model = createCallModel('outgoing');
  const paths = model.model.getShortestPaths() as CallPath[];

  beforeAll(async () => {
    installNodeWebRtc();
    k = await Kamailio.start();
    phone = createPhone({
      userAgent: createJsSipUserAgent({
        uri: `sip:2301@${k.domain}`,
        servers: k.wsUrl,
        credentials: { authorizationUser: '2301', password: 'pw2301' },
        iceGathering: { stopAtFirstHostCandidate: true },
      }),
      qualityReports: false,
      autoHold: false,
      inspect: createRedactingInspector(coverage.inspect),
    });
    await new Promise<void>((resolve) => {
      phone.on('registered', () => resolve());
      phone.start();
    });
  });

  afterAll(async () => {
    phone?.destroy();
    for (const tone of tones) tone.stop();
    console.log(`call machine (real stack, sipp far end): ${formatCoverage(coverage.figures())}`);
    await k?.stop();
  });

  it.each(SCENARIOS)('$scenario plays the far end of its generated flow, which passes step by step', async ({ scenario, events }) => {
    const path = paths.find((p) => JSON.stringify(p.steps.slice(1).map((s) => s.event)) === JSON.stringify(events));
    if (!path) throw new Error(`the generator no longer produces the flow ${scenario} plays`);
    const sipp = await SippUas.start(scenario);
    try {
      coverage.countPath();
      const media = () => {
        const tone = createToneStream();
        tones.push(tone);
        return { mediaStream: tone.stream };
      };
      const result = await runCallFlow({ name: scenario, model, path }, { self: { phone, number: '2301' }, peer: { number: 'sipp' } }, { stepTimeoutMs: 10_000, media });
      expect({ flow: describePath(path), passed: result.passed, error: result.error }).toEqual({ flow: describePath(path), passed: true, error: null });
      expect(await sipp.done()).toBe(0);
    } finally {
      sipp.kill();
    }
  });
});
