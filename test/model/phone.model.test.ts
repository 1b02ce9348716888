/**
 * Model-based test of the phone machine (xstate/graph): paths through registration (with its
 * retries and backoff), transport loss and recovery, the cap and call waiting, the incoming list,
 * the current call and a REFER taken (the phone's decision read from the machine), generated from
 * `phoneMachine` itself and run against a real `Phone` on the memory SIP network, its `state$`
 * compared exactly with the model's at every step. See test/support/model-phone.ts (steps,
 * vertices) and test/support/model-phone-world.ts (executors).
 */
import { phoneMachine } from '../../machines/phone.machine';
import { MachineCoverage, formatCoverage } from '../../src/flows/coverage';
import { PHONE_INPUT, assertObservablePhoneSteps, describePhonePath, machineEventsOf, phonePaths } from '../support/model-phone';
import type { PhonePath } from '../support/model-phone';
import { PhoneModelRun } from '../support/model-phone-world';

/**
 * Transitions of the phone machine no path takes, each with the reason. The test asserts that the
 * uncovered transitions are exactly these.
 */
export const PHONE_UNCOVERED: Readonly<Record<string, string>> = {
  'phone xstate.done.actor.*':
    'a Phone receives its calls\' done events renamed to PHONE.CALL_DONE (withCallDoneEvents); the wildcard serves the bare machine only',
  'phone PHONE.REFER.TIMEOUT':
    'the app not answering within referTimeoutMs (30 s by default): the model\'s app answers at once; test/facade/refer-decision.test.ts covers the timeout',
  'phone UA.CALL.REFUSED': 'the memory stack never refuses to create a call (it creates it and fails it)',
  'phone PHONE.TRANSFER.COMPLETE': 'attended transfer: the call model\'s consult/complete paths send it through the Phone',
  'phone PHONE.TRANSFER.CANCEL': 'attended transfer: the call model\'s paths send it through the Phone (Session.cancelAttendedTransfer)',
  'phone PHONE.TRANSFER.LINK': 'linking an existing call as the consultation leg needs a confirmed call to the target: phone unit tests cover it',
  'phone.registration.unregistered PHONE.REGISTER': 'no public API sends it (registering again goes through reRegister, PHONE.CREDENTIALS)',
  'phone.registration.failed PHONE.REGISTER': 'no public API sends it (registering again goes through reRegister, PHONE.CREDENTIALS)',
  'phone.registration.registered PHONE.UNREGISTER': 'no public API sends it (disconnect() stops the transport, PHONE.STOP)',
  'phone.registration.registered UA.UNREGISTERED':
    'the memory registrar never drops a binding by itself; UA.UNREGISTERED only follows our own drop or stop, already handled by UA.DISCONNECTED or PHONE.STOP',
  'phone.registration.registered UA.REGISTRATION.FAILED': 'the memory user agent does not refresh its registration, so a registered phone never sees a failure',
  'phone.transport.connecting UA.DISCONNECTED': 'the memory transport fails only once connected (a start with the transport down waits, silent)',
};

const paths: PhonePath[] = phonePaths();
const coverage = new MachineCoverage(phoneMachine);
for (const path of paths) {
  coverage.countPath();
  coverage.replay(PHONE_INPUT, machineEventsOf(path));
}
const results = { passed: 0, failed: 0 };

afterAll(() => {
  const figures = coverage.figures();
  console.log(
    [
      `phone machine model (memory network): ${formatCoverage(figures)}; ${results.passed} passed, ${results.failed} failed`,
      ...figures.uncovered.map((key) => `  not covered: ${key}: ${PHONE_UNCOVERED[key] ?? 'NO REASON GIVEN'}`),
    ].join('\n'),
  );
});

describe('phone machine model', () => {
  it('covers every state node of the phone machine', () => {
    expect(coverage.figures().statesCovered).toBe(coverage.figures().states);
  });

  it('covers every transition of the phone machine except the ones listed, with their reasons', () => {
    expect(coverage.figures().uncovered).toEqual(Object.keys(PHONE_UNCOVERED).sort());
  });

  it('is generated the same way every time', () => {
    expect(phonePaths().map(describePhonePath)).toEqual(paths.map(describePhonePath));
  });
});

describe('phone paths', () => {
  it.each(paths.map((path, i) => [`#${i + 1} ${describePhonePath(path)}`, path] as const))('%s', async (_name, path) => {
    assertObservablePhoneSteps(path);
    const run = new PhoneModelRun(path);
    await run.setup();
    try {
      const executors = Object.fromEntries(
        ['xstate.init', ...new Set(path.steps.map((s) => s.event.type))].map((type) => [type, run.execute]),
      ) as unknown as NonNullable<Parameters<PhonePath['test']>[0]['events']>;
      await path.test({ events: executors, states: { '*': run.check } });
      await run.finish();
      results.passed += 1;
    } catch (error) {
      results.failed += 1;
      throw error;
    } finally {
      await run.dispose();
    }
  });
});
