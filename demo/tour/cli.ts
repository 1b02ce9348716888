/**
 * `npm run demo` after scripts/demo.mjs checked the machine (and, for the tour, entered a
 * loopback-only network namespace). Without options: the headless tour with a live transcript and
 * screenshots. `--serve`: Kamailio and the page on 127.0.0.1 until Ctrl-C. `--inspect`: the offline
 * inspector too (demo/tour/inspect.ts), with its page's screenshots at the tour's key moments.
 */
import { rmSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { DemoLogEntry } from '../page/log';
import { createInspectHook } from './inspect';
import { DemoKamailio, DemoServer } from './stack';
import { NAMES, runTour, USERS } from './tour';

export interface CliOptions {
  readonly serve: boolean;
  readonly server: string | null;
  readonly domain: string | null;
  readonly out: string;
  readonly reportMs: number;
  readonly port: number;
  readonly inspect: boolean;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const value = (name: string): string | null => {
    const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return null;
    const arg = argv[i]!;
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1] ?? null;
  };
  return {
    serve: argv.includes('--serve'),
    server: value('--server'),
    domain: value('--domain'),
    out: value('--out') ?? 'demo-output',
    reportMs: Number(value('--report-ms') ?? 3000),
    port: Number(value('--port') ?? 8000),
    inspect: argv.includes('--inspect'),
  };
}

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));

/** One transcript line: time, phone, call, what happened. */
export function formatEntry(entry: DemoLogEntry, since: number): string {
  const t = `${((Date.now() - since) / 1000).toFixed(1).padStart(5)}s`;
  const kind = { phone: 'phone ', 'phone-event': 'event ', call: 'state ', 'call-event': 'event ', report: 'report', ui: 'click ' }[entry.kind];
  return `${t}  ${entry.user}  ${kind}  ${pad(entry.call ?? '', 12)}  ${entry.text}`;
}

async function serve(root: string, options: CliOptions): Promise<number> {
  const hook = options.inspect ? await createInspectHook(root) : null;
  const kamailio = options.server ? null : await DemoKamailio.start(root);
  const server = await DemoServer.start(
    root,
    { server: options.server ?? kamailio!.wsUrl, domain: options.domain ?? undefined, reportMs: options.reportMs, inspectRelay: hook?.relayUrl },
    { port: options.port },
  );
  console.log(`callstate demo: the page is on ${server.url}`);
  for (const user of USERS) console.log(`  ${server.url}?user=${user}&name=${encodeURIComponent(NAMES[user])}`);
  console.log(
    kamailio
      ? `  SIP over WebSocket: ${kamailio.wsUrl} (Kamailio pid ${kamailio.pid}, log ${kamailio.logFile}); any extension (1001, 1002, 1003 …) with password "pw" + extension`
      : `  SIP over WebSocket: ${options.server} (domain ${options.domain ?? 'the server host'}); enter your own extension and password on the page`,
  );
  if (hook) console.log(`  Inspector: ${hook.url} (every page sends its redacted inspection events to ${hook.relayUrl}, labelled by extension)`);
  console.log('  Open two or three of these in separate browser windows, press Register, and call. Ctrl-C stops everything.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  console.log('\ncallstate demo: stopping');
  await server.stop();
  await kamailio?.stop();
  await hook?.close();
  return 0;
}

async function tour(root: string, options: CliOptions): Promise<number> {
  const outputDir = isAbsolute(options.out) ? options.out : join(root, options.out);
  rmSync(outputDir, { recursive: true, force: true });
  const started = Date.now();
  const hook = options.inspect ? await createInspectHook(root) : null;
  let kamailio: DemoKamailio | null = null;
  let server: DemoServer;
  try {
    kamailio = options.server ? null : await DemoKamailio.start(root);
    server = await DemoServer.start(root, { server: options.server ?? kamailio!.wsUrl, domain: options.domain ?? undefined, reportMs: options.reportMs });
  } catch (error) {
    await kamailio?.stop();
    await hook?.close();
    throw error;
  }
  console.log(`callstate demo: Kamailio ${kamailio ? `pid ${kamailio.pid} on ${kamailio.wsUrl}` : `not started (${options.server})`}, page on ${server.url}`);
  if (hook) console.log(`callstate demo: inspector on ${hook.url} (relay ${hook.relayUrl}); its screenshots at the key moments go to the same folder`);
  console.log(`callstate demo: three phones in headless Chromium, driven by clicks; screenshots go to ${relative(process.cwd(), outputDir) || '.'}/`);
  console.log(`${' '.repeat(8)}phone kind    call          what the library reported`);
  try {
    const result = await runTour({
      url: server.url,
      outputDir,
      initScripts: hook?.initScripts,
      onScreenshot: hook ? (moment) => hook.onScreenshot(moment) : undefined,
      onStep: (title) => console.log(`\n== ${title}`),
      onEntry: (entry) => console.log(formatEntry(entry, started)),
    });
    console.log('\n== Summary');
    for (const s of result.steps) console.log(`  ${pad(s.title, 84)} ${(s.ms / 1000).toFixed(1)} s`);
    for (const user of USERS) {
      const reports = result.logs[user].filter((e) => e.kind === 'report').map((e) => e.data as { mos: number | null; totals: { packetsReceived: number | null } });
      const mos = reports.map((r) => r.mos).filter((m): m is number => m !== null);
      const packets = reports.reduce((sum, r) => Math.max(sum, r.totals.packetsReceived ?? 0), 0);
      console.log(
        `  ${user}: ${result.logs[user].length} transcript lines, ${reports.length} quality reports` +
          (mos.length ? `, MOS ${Math.min(...mos).toFixed(2)}–${Math.max(...mos).toFixed(2)}` : '') +
          `, up to ${packets} packets received on a call`,
      );
    }
    console.log(`  page showed: display name ${JSON.stringify(result.shown.bannerName)}, ${JSON.stringify(result.shown.dtmfReceived)}`);
    console.log(`  ${result.screenshots.length} screenshots in ${relative(process.cwd(), outputDir) || '.'}/ (NN-moment.png: the three phones side by side), transcript.json`);
    if (hook) console.log(`  inspector: ${hook.received} inspection messages relayed, ${hook.screenshots.length} screenshots (NN-inspector-moment.png)`);
    console.log(`callstate demo: tour complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    console.error(`\ncallstate demo: ${(error as Error).message}`);
    if (kamailio) console.error(`  Kamailio log: ${kamailio.logFile}`);
    return 1;
  } finally {
    await server.stop();
    await kamailio?.stop();
    await hook?.close();
  }
}

/** Entry point: returns the exit code. */
export async function main(root: string, argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  return options.serve ? serve(root, options) : tour(root, options);
}
