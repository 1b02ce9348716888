/**
 * Which call-machine transitions the real stack's flows (`callstate-flows`, JsSIP phones on a PBX)
 * take, and which only the memory test double can produce, each with the reason. Generation only
 * (no calls): the flows themselves run in test/model/call.model.test.ts (memory) and
 * test/integration/flows-command.test.ts (Kamailio). Also draws both machines' statecharts with
 * the test double's coverage highlighted, into test-output/model-coverage/.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { callMachine } from '../../machines/call.machine';
import { phoneMachine } from '../../machines/phone.machine';
import { describePath } from '../../src/flows/call-model';
import { MachineCoverage, formatCoverage } from '../../src/flows/coverage';
import { coverageSvg } from '../../src/flows/coverage-svg';
import { createPbxCallModels, generateCallFlows } from '../../src/flows/pbx-model';
import { createCallModel } from '../support/model-call';
import type { CallPath } from '../support/model-call';
import { PHONE_INPUT, machineEventsOf, phonePaths } from '../support/model-phone';

/** Transitions the memory double's paths take and the real stack's flows do not, with the reason. */
const RECORDER = 'recording needs a recording backend on the PBX; callstate-flows configures none';
const REFUSING_PEER = 'a healthy far end accepts it; a refusing one is a scripted peer (memory faults, or sipp through Kamailio)';
export const ONLY_TEST_DOUBLE: Readonly<Record<string, string>> = {
  'call.dialing CALL.HANGUP': 'a JsSIP callee answers 180 at once: `dialing` lasts one round trip, too short for a person',
  'call.dialing SIP.ANSWERED':
    'a phone rings (180) before its user can answer; on the real stack sipp answers at once (test/integration/flows-sipp.test.ts)',
  'call.answering CALL.HANGUP': 'between our 200 and the ACK there is one round trip, too short for a person',
  'call.confirmed.hold.holding SIP.HOLD.FAILED': `${REFUSING_PEER}; on the real stack sipp refuses it (test/integration/flows-sipp.test.ts)`,
  'call.confirmed.hold.resuming SIP.UNHOLD.FAILED': REFUSING_PEER,
  'call.confirmed.transfer.blind SIP.REFER.FAILED': REFUSING_PEER,
  'call.confirmed.transfer.attended SIP.REFER.FAILED': REFUSING_PEER,
  'call.confirmed.record.off CALL.RECORD.START': RECORDER,
  'call.confirmed.record.starting SIP.RECORD.SUCCEEDED': RECORDER,
  'call.confirmed.record.starting SIP.RECORD.FAILED': RECORDER,
  'call.confirmed.record.recording CALL.RECORD.PAUSE': RECORDER,
  'call.confirmed.record.pausing SIP.RECORD.SUCCEEDED': RECORDER,
  'call.confirmed.record.pausing SIP.RECORD.FAILED': RECORDER,
  'call.confirmed.record.paused CALL.RECORD.RESUME': RECORDER,
  'call.confirmed.record.resuming SIP.RECORD.SUCCEEDED': RECORDER,
  'call.confirmed.record.resuming SIP.RECORD.FAILED': RECORDER,
};

function coverageOf(flows: Array<{ input: unknown; path: CallPath }>): MachineCoverage {
  const coverage = new MachineCoverage(callMachine);
  for (const { input, path } of flows) {
    coverage.countPath();
    coverage.replay(input, path.steps.slice(1).map((step) => step.event));
  }
  return coverage;
}

const memoryFlows = (['outgoing', 'incoming'] as const).flatMap((direction) => {
  const model = createCallModel(direction);
  return (model.model.getShortestPaths() as CallPath[]).map((path) => ({ input: model.input, path, name: model.name }));
});
const pbxFlows = generateCallFlows(createPbxCallModels()).map((flow) => ({
  input: flow.model.input,
  path: flow.path,
  name: flow.model.name,
  flowName: flow.name,
}));
const memory = coverageOf(memoryFlows);
const pbx = coverageOf(pbxFlows);
const onlyDouble = [...memory.transitions.keys()].filter((key) => !pbx.transitions.has(key)).sort();
const realKeys = new Set(pbxFlows.map((f) => `${f.name} ${describePath(f.path)}`));
const alsoReal = memoryFlows.filter((f) => realKeys.has(`${f.name} ${describePath(f.path)}`)).length;

afterAll(() => {
  console.log(
    [
      `call machine, test double (memory network): ${formatCoverage(memory.figures())}`,
      `call machine, real stack (callstate-flows on a PBX, as generated): ${formatCoverage(pbx.figures())}`,
      `  ${alsoReal} of the test double's ${memoryFlows.length} paths are also real-stack flows, step for step`,
      ...onlyDouble.map((key) => `  only the test double: ${key}: ${ONLY_TEST_DOUBLE[key] ?? 'NO REASON GIVEN'}`),
    ].join('\n'),
  );
});

describe('call flows on the two stacks', () => {
  it('generates the real-stack flows the same way every time', () => {
    const again = generateCallFlows(createPbxCallModels()).map((flow) => `${flow.name} ${describePath(flow.path)}`);
    expect(again).toEqual(pbxFlows.map((flow) => `${flow.flowName} ${describePath(flow.path)}`));
  });

  it('every transition the real stack takes, the test double takes too', () => {
    expect([...pbx.transitions.keys()].filter((key) => !memory.transitions.has(key))).toEqual([]);
  });

  it('the transitions only the test double takes are the ones listed, with their reasons', () => {
    expect(onlyDouble).toEqual(Object.keys(ONLY_TEST_DOUBLE).sort());
  });

  it('writes both statecharts with the test double coverage highlighted', async () => {
    const phone = new MachineCoverage(phoneMachine);
    for (const path of phonePaths()) {
      phone.countPath();
      phone.replay(PHONE_INPUT, machineEventsOf(path));
    }
    const dir = join(__dirname, '..', '..', 'test-output', 'model-coverage');
    mkdirSync(dir, { recursive: true });
    const call = await coverageSvg(callMachine, memory);
    writeFileSync(join(dir, 'call.memory.coverage.svg'), call);
    writeFileSync(join(dir, 'phone.memory.coverage.svg'), await coverageSvg(phoneMachine, phone));
    expect(call).toContain('[id="transition:call.confirmed.hold.holding/call.confirmed.hold.held"]');
  });
});
