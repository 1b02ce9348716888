/**
 * Whether the browser end-to-end tests can run here, and why not: they need the loopback-only network
 * namespace `npm test` makes as root, Debian's chromium and kamailio.
 */
import { existsSync } from 'node:fs';
import { kamailioBinary } from '../../demo/tour/stack';
import { CHROMIUM } from '../../demo/tour/tour';
import { NETNS } from '../integration/environment';

/** Why the browser tests cannot run here, or `null` when they can. */
export const browserE2eSkipReason: string | null = !NETNS
  ? 'not inside a loopback-only network namespace (run `npm test` as root; scripts/test.mjs makes one)'
  : !existsSync(CHROMIUM)
    ? `${CHROMIUM} is missing (scripts/ci-install.sh installs Debian's chromium)`
    : !kamailioBinary()
      ? 'kamailio is missing (scripts/ci-install.sh installs it)'
      : null;
