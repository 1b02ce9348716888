/**
 * `npm run inspect [-- --port 4242] [--host 127.0.0.1]`: start the offline inspector (page and relay)
 * on a loopback address and print where it is. `--help` prints the usage and starts nothing.
 */
import { parseArgs } from 'node:util';
import { startInspector } from './relay';

const USAGE = `usage: npm run inspect -- [--port N] [--host ADDRESS]

Starts the offline inspector: the page and the relay that phones send their inspection events to.
  --port N         port to listen on (default 4242; 0 picks a free one)
  --host ADDRESS   address to listen on (default 127.0.0.1)
  --help           print this and exit
Stop it with Ctrl+C (SIGINT) or SIGTERM.`;

async function main(): Promise<void> {
  let values: { port?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 4242 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer from 0 to 65535, not ${JSON.stringify(values.port)}\n\n${USAGE}`);
    process.exit(2);
  }
  const inspector = await startInspector({ host: values.host ?? '127.0.0.1', port });
  console.log(`callstate inspector: open ${inspector.url}`);
  console.log(`phones send to ${inspector.relayUrl}  (createPhone({ inspect: createRelayInspector({ url: '${inspector.relayUrl}' }).inspect }))`);
  const stop = () => void inspector.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // Started by a launcher (npm) that is killed without passing a signal on, the relay would be
  // left serving as an orphan: a changed parent means the launcher is gone.
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) stop(); }, 1000).unref();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
