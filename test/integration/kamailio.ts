/**
 * The tests' Kamailio: the project's runner (demo/tour/kamailio.ts) on test/integration/kamailio.cfg.
 */
import { join } from 'path';
import { Kamailio as Runner } from '../../demo/tour/kamailio';
import { KAMAILIO } from './environment';

const CONFIG = join(__dirname, 'kamailio.cfg');

/** A running (or stopped) Kamailio of the tests. */
export type Kamailio = Runner;

/** Start a Kamailio on free ports; `WITH_AUTH` (password "pw" + user) is on by default. */
export const Kamailio = {
  async start(options: { auth?: boolean } = {}): Promise<Kamailio> {
    if (!KAMAILIO) throw new Error('kamailio is not installed (scripts/ci-install.sh installs it)');
    return Runner.start({ configFile: CONFIG, auth: options.auth });
  },
};
