/**
 * `npm run inspect` / `node dist/inspect-cli.js [--port 4242] [--host 127.0.0.1]`: start the offline
 * inspector (page and relay) on a loopback address and print where it is.
 */
import { startInspector } from './relay';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const port = option('port');
  const inspector = await startInspector({ host: option('host') ?? '127.0.0.1', port: port === undefined ? 4242 : Number(port) });
  console.log(`callstate inspector: open ${inspector.url}`);
  console.log(`phones send to ${inspector.relayUrl}  (createPhone({ inspect: createRelayInspector({ url: '${inspector.relayUrl}' }).inspect }))`);
  const stop = () => void inspector.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
