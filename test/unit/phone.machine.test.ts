/**
 * Phone machine, event by event: the transport and registration regions (retries with backoff).
 */
import { DEFAULT_PHONE_SETTINGS } from '../../machines/phone.machine';
import { startPhone, stopAllPhones } from '../support/phone-harness';

afterEach(stopAllPhones);
import type { PhoneHarness } from '../support/phone-harness';

function transport(h: PhoneHarness): unknown {
  return (h.snapshot.value as { transport: string }).transport;
}
function registration(h: PhoneHarness): unknown {
  return (h.snapshot.value as { registration: string }).registration;
}
function registers(h: PhoneHarness): number {
  return h.ua.types().filter((t) => t === 'AGENT.REGISTER').length;
}

describe('phone machine: initial state', () => {
  it('starts disconnected and unregistered with the default settings, sending nothing', () => {
    const h = startPhone();
    expect(h.snapshot.value).toEqual({ transport: 'disconnected', registration: 'unregistered' });
    expect(h.ua.commands).toEqual([]);
    expect(h.context).toMatchObject({
      maxCalls: 2,
      callWaiting: true,
      autoHold: true,
      register: true,
      reRegistryPhoneTimes: 5,
      registrationRetryBaseMs: 2000,
      recordPermissions: 0,
      registrationAttempts: 0,
      calls: {},
      order: [],
      currentSessionID: null,
    });
    expect(DEFAULT_PHONE_SETTINGS.maxCalls).toBe(2);
  });

  it('takes settings from the input, ignoring undefined fields', () => {
    const h = startPhone({ maxCalls: 3, callWaiting: undefined, recordPermissions: 2 });
    expect(h.context.maxCalls).toBe(3);
    expect(h.context.callWaiting).toBe(true);
    expect(h.context.recordPermissions).toBe(2);
  });
});

describe('phone machine: transport region', () => {
  it('disconnected → connecting (AGENT.START) → connected → reconnecting on UA.DISCONNECTED → connected', () => {
    const h = startPhone({ register: false });
    h.send({ type: 'PHONE.START' });
    expect(transport(h)).toBe('connecting');
    expect(h.ua.commands).toEqual([{ type: 'AGENT.START' }]);
    h.agent({ type: 'UA.CONNECTED' });
    expect(transport(h)).toBe('connected');
    expect(h.emittedTypes()).toEqual(['transport.connected']);
    h.agent({ type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'socket closed' });
    expect(transport(h)).toBe('reconnecting');
    expect(h.emittedOf('transport.disconnected')).toEqual([{ type: 'transport.disconnected', cause: 'connection-error', reason: 'socket closed' }]);
    h.agent({ type: 'UA.CONNECTED' });
    expect(transport(h)).toBe('connected');
    expect(h.emittedOf('transport.connected')).toHaveLength(2);
    expect(h.ua.commands).toEqual([{ type: 'AGENT.START' }]);
  });

  it('a failed first connection goes to reconnecting', () => {
    const h = startPhone();
    h.send({ type: 'PHONE.START' });
    h.agent({ type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'refused' });
    expect(transport(h)).toBe('reconnecting');
  });

  it('PHONE.START is ignored unless disconnected', () => {
    const h = startPhone();
    h.send({ type: 'PHONE.START' });
    expect(h.can({ type: 'PHONE.START' })).toBe(false);
    h.send({ type: 'PHONE.START' });
    expect(h.ua.types()).toEqual(['AGENT.START']);
  });

  it('PHONE.STOP → disconnected (AGENT.STOP) and unregistered (registration.changed false)', () => {
    const h = startPhone();
    h.connect();
    h.ua.clear();
    h.clearEmitted();
    h.send({ type: 'PHONE.STOP' });
    expect(h.snapshot.value).toEqual({ transport: 'disconnected', registration: 'unregistered' });
    expect(h.ua.commands).toEqual([{ type: 'AGENT.STOP' }]);
    expect(h.emittedOf('registration.changed')).toEqual([{ type: 'registration.changed', isRegistered: false }]);
    // and it can start again
    h.send({ type: 'PHONE.START' });
    expect(transport(h)).toBe('connecting');
  });

  it('UA events before PHONE.START do not connect the phone', () => {
    const h = startPhone();
    h.agent({ type: 'UA.CONNECTED' });
    expect(transport(h)).toBe('disconnected');
  });
});

describe('phone machine: registration region', () => {
  it('auto-registers on connect (AGENT.REGISTER); UA.REGISTERED → registered with events', () => {
    const h = startPhone();
    h.send({ type: 'PHONE.START' });
    h.agent({ type: 'UA.CONNECTED' });
    expect(registration(h)).toBe('registering');
    expect(h.ua.types()).toEqual(['AGENT.START', 'AGENT.REGISTER']);
    h.agent({ type: 'UA.REGISTERED' });
    expect(registration(h)).toBe('registered');
    expect(h.emittedOf('registration.registered')).toHaveLength(1);
    expect(h.emittedOf('registration.changed')).toEqual([{ type: 'registration.changed', isRegistered: true }]);
  });

  it('with register false it waits for PHONE.REGISTER, which needs the transport', () => {
    const h = startPhone({ register: false });
    expect(h.can({ type: 'PHONE.REGISTER' })).toBe(false);
    h.send({ type: 'PHONE.START' });
    h.agent({ type: 'UA.CONNECTED' });
    expect(registration(h)).toBe('unregistered');
    expect(registers(h)).toBe(0);
    h.send({ type: 'PHONE.REGISTER' });
    expect(registration(h)).toBe('registering');
    expect(registers(h)).toBe(1);
  });

  it('PHONE.UNREGISTER sends AGENT.UNREGISTER and emits unregistered / changed false', () => {
    const h = startPhone();
    h.connect();
    h.clearEmitted();
    h.send({ type: 'PHONE.UNREGISTER' });
    expect(registration(h)).toBe('unregistered');
    expect(h.ua.types()).toContain('AGENT.UNREGISTER');
    expect(h.emittedTypes()).toEqual(expect.arrayContaining(['registration.unregistered', 'registration.changed']));
    expect(h.emittedOf('registration.changed')).toEqual([{ type: 'registration.changed', isRegistered: false }]);
  });

  it('the registrar dropping us (UA.UNREGISTERED) → unregistered', () => {
    const h = startPhone();
    h.connect();
    h.clearEmitted();
    h.agent({ type: 'UA.UNREGISTERED' });
    expect(registration(h)).toBe('unregistered');
    expect(h.emittedOf('registration.changed')).toEqual([{ type: 'registration.changed', isRegistered: false }]);
  });

  it('a transport drop → unregistered (registration.changed false), re-registers on reconnect', () => {
    const h = startPhone();
    h.connect();
    h.clearEmitted();
    h.agent({ type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'network' });
    expect(registration(h)).toBe('unregistered');
    expect(h.emittedOf('registration.changed')).toEqual([{ type: 'registration.changed', isRegistered: false }]);
    h.ua.clear();
    h.agent({ type: 'UA.CONNECTED' });
    expect(registration(h)).toBe('registering');
    expect(h.ua.types()).toEqual(['AGENT.REGISTER']);
  });

  describe('failures and retries (fake timers)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    function failRegistration(h: PhoneHarness, code: number | null = 503): void {
      h.agent({ type: 'UA.REGISTRATION.FAILED', cause: 'unavailable', code });
    }

    it('failure → failed with attempts, registration.failed, then retries after 2 s, 4 s, 8 s, 16 s, 32 s and stops after reRegistryPhoneTimes (5) retries', () => {
      const h = startPhone();
      h.send({ type: 'PHONE.START' });
      h.agent({ type: 'UA.CONNECTED' });
      expect(registers(h)).toBe(1);

      const expectedDelays = [2000, 4000, 8000, 16000, 32000];
      for (let attempt = 1; attempt <= 6; attempt += 1) {
        failRegistration(h);
        expect(registration(h)).toBe('failed');
        expect(h.context.registrationAttempts).toBe(attempt);
        expect(h.context.lastRegistrationFailure).toEqual({ cause: 'unavailable', code: 503 });
        const failed = h.emittedOf('registration.failed');
        expect(failed[failed.length - 1]).toEqual({
          type: 'registration.failed',
          cause: 'unavailable',
          code: 503,
          attempt,
          willRetry: attempt <= 5,
        });
        if (attempt <= 5) {
          const delay = expectedDelays[attempt - 1];
          jest.advanceTimersByTime(delay - 1);
          expect(registers(h)).toBe(attempt);
          expect(registration(h)).toBe('failed');
          jest.advanceTimersByTime(1);
          expect(registers(h)).toBe(attempt + 1);
          expect(registration(h)).toBe('registering');
        }
      }
      // the first REGISTER and reRegistryPhoneTimes (5) retries, then it gives up
      jest.advanceTimersByTime(10 * 60_000);
      expect(registers(h)).toBe(6);
      expect(registration(h)).toBe('failed');
    });

    it('the retry delay is bounded by registrationRetryMaxMs', () => {
      const h = startPhone({ registrationRetryBaseMs: 1000, registrationRetryMaxMs: 3000, reRegistryPhoneTimes: 10 });
      h.connect(false);
      const delays: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        failRegistration(h);
        const before = registers(h);
        let waited = 0;
        while (registers(h) === before && waited < 100_000) {
          jest.advanceTimersByTime(250);
          waited += 250;
        }
        delays.push(waited);
      }
      expect(delays).toEqual([1000, 2000, 3000, 3000]);
    });

    it('honours a smaller reRegistryPhoneTimes (2 retries)', () => {
      const h = startPhone({ reRegistryPhoneTimes: 2 });
      h.connect(false);
      failRegistration(h);
      jest.advanceTimersByTime(2000);
      expect(registers(h)).toBe(2);
      failRegistration(h);
      jest.advanceTimersByTime(4000);
      expect(registers(h)).toBe(3);
      failRegistration(h);
      expect(h.emittedOf('registration.failed').map((e) => e.willRetry)).toEqual([true, true, false]);
      jest.advanceTimersByTime(10 * 60_000);
      expect(registers(h)).toBe(3);
    });

    it('reRegistryPhoneTimes 0 means no retry at all', () => {
      const h = startPhone({ reRegistryPhoneTimes: 0 });
      h.connect(false);
      failRegistration(h);
      expect(h.emittedOf('registration.failed').map((e) => e.willRetry)).toEqual([false]);
      jest.advanceTimersByTime(10 * 60_000);
      expect(registers(h)).toBe(1);
    });

    it.each([401, 403])('no retry on %i', (code) => {
      const h = startPhone();
      h.connect(false);
      failRegistration(h, code);
      expect(registration(h)).toBe('failed');
      expect(h.emittedOf('registration.failed')).toEqual([
        { type: 'registration.failed', cause: 'unavailable', code, attempt: 1, willRetry: false },
      ]);
      jest.advanceTimersByTime(10 * 60_000);
      expect(registers(h)).toBe(1);
      expect(registration(h)).toBe('failed');
    });

    it('a refresh failing while registered → failed and retried; success resets the attempts', () => {
      const h = startPhone();
      h.connect();
      h.clearEmitted();
      failRegistration(h);
      expect(registration(h)).toBe('failed');
      expect(h.emittedOf('registration.changed')).toEqual([{ type: 'registration.changed', isRegistered: false }]);
      jest.advanceTimersByTime(2000);
      expect(registration(h)).toBe('registering');
      h.agent({ type: 'UA.REGISTERED' });
      expect(registration(h)).toBe('registered');
      expect(h.context.registrationAttempts).toBe(0);
      expect(h.context.lastRegistrationFailure).toBeNull();
    });

    it('PHONE.CREDENTIALS resets the attempts and registers at once (AGENT.CREDENTIALS then AGENT.REGISTER)', () => {
      const h = startPhone();
      h.connect(false);
      failRegistration(h, 401);
      jest.advanceTimersByTime(2000);
      failRegistration(h, 401); // ignored: already failed
      expect(h.context.registrationAttempts).toBe(1);
      h.ua.clear();
      const credentials = { authorizationUser: '1001', password: 'secret' };
      h.send({ type: 'PHONE.CREDENTIALS', credentials });
      expect(h.ua.commands).toEqual([{ type: 'AGENT.CREDENTIALS', credentials }, { type: 'AGENT.REGISTER' }]);
      expect(registration(h)).toBe('registering');
      expect(h.context.registrationAttempts).toBe(0);
      expect(h.context.lastRegistrationFailure).toBeNull();
    });

    it('PHONE.CREDENTIALS while disconnected stores them and registers on the next connect', () => {
      const h = startPhone({ register: false });
      const credentials = { authorizationUser: '1001', ha1: 'abc', realm: 'pbx' };
      h.send({ type: 'PHONE.CREDENTIALS', credentials });
      expect(h.ua.commands).toEqual([{ type: 'AGENT.CREDENTIALS', credentials }]);
      expect(registration(h)).toBe('unregistered');
      h.send({ type: 'PHONE.START' });
      h.agent({ type: 'UA.CONNECTED' });
      expect(registration(h)).toBe('registering');
    });

    it('a transport drop while waiting to retry cancels the retry', () => {
      const h = startPhone();
      h.connect(false);
      failRegistration(h);
      h.agent({ type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'network' });
      jest.advanceTimersByTime(60_000);
      expect(registration(h)).toBe('unregistered');
      expect(registers(h)).toBe(1);
    });

    it('PHONE.REGISTER after giving up tries again', () => {
      const h = startPhone({ reRegistryPhoneTimes: 0 });
      h.connect(false);
      failRegistration(h);
      jest.advanceTimersByTime(60_000);
      expect(registers(h)).toBe(1);
      h.send({ type: 'PHONE.REGISTER' });
      expect(registration(h)).toBe('registering');
      expect(registers(h)).toBe(2);
    });
  });
});
