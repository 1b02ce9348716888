/**
 * Whether the integration tests can run here. They carry SIP and RTP, so they only run inside a
 * network namespace that has nothing but `lo` (scripts/test.mjs makes one when run as root and sets
 * CALLSTATE_NETNS). Anywhere else they are reported as skipped, with the reason printed.
 */
import { existsSync } from 'fs';

/** The namespace the tests run in, when scripts/test.mjs made one. */
export const NETNS = process.env.CALLSTATE_NETNS ?? null;

/** The Kamailio binary (Debian's package). */
export const KAMAILIO = ['/usr/sbin/kamailio', '/usr/local/sbin/kamailio', '/usr/bin/kamailio'].find((p) => existsSync(p)) ?? null;

/** sipp (Debian's `sip-tester`), the scripted SIP peer of the trap scenarios. */
export const SIPP = ['/usr/bin/sipp', '/usr/local/bin/sipp'].find((p) => existsSync(p)) ?? null;

/** Why the integration tests cannot run, or null. */
export const SKIP_REASON: string | null = NETNS
  ? null
  : 'not inside a loopback-only network namespace (run `npm test` as root with iproute2; scripts/test.mjs creates one)';

/** `describe` for integration suites: skipped, loudly, outside the namespace. */
export function describeIntegration(name: string, body: () => void): void {
  if (SKIP_REASON) {
    process.stderr.write(`\n*** INTEGRATION TESTS SKIPPED (${name}): ${SKIP_REASON}\n\n`);
    describe.skip(`${name} [SKIPPED: ${SKIP_REASON}]`, body);
    return;
  }
  describe(name, body);
}
