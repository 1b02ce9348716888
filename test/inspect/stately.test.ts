/**
 * `@statelyai/inspect` (ESM-only) with a phone: its createWebSocketInspector, in an ESM program,
 * sends to the offline inspector's relay on loopback; what arrives is redacted and describes the
 * phone and its call actor. The same inspector object works with the hosted Stately viewer.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { startInspector } from '../../src/inspect';
import type { InspectorServer } from '../../src/inspect';
import { ROOT, SECRETS, Viewer, buildPage, valueOf } from './support';

let server: InspectorServer;
let child: ChildProcessWithoutNullStreams | null = null;
let viewer: Viewer | null = null;

beforeAll(async () => {
  server = await startInspector({ port: 0, pageDir: buildPage() });
});
afterAll(async () => {
  viewer?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.stdin.end();
    await exited;
  }
  await server.close();
});

it('createWebSocketInspector from @statelyai/inspect sends redacted phone and call events to the relay', async () => {
  const outdir = join(ROOT, 'test-output');
  mkdirSync(outdir, { recursive: true });
  const program = join(outdir, 'stately-phone.mjs');
  buildSync({
    entryPoints: [join(__dirname, 'stately-phone.ts')],
    outfile: program,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  viewer = new Viewer(server.relayUrl);
  await viewer.opened;
  child = spawn(process.execPath, [program, server.relayUrl], { cwd: ROOT });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const callId = await new Promise<string>((resolve, reject) => {
    child!.stdout.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n').find((text) => text.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { callId: string }).callId);
    });
    child!.once('exit', (code) => reject(new Error(`the program exited (${code}): ${errors}`)));
  });

  // Stately's messages: the call actor is announced by name (its Call-ID) with its machine definition.
  const actor = await viewer.waitFor((m) => m.type === '@xstate.actor' && m.name === callId);
  expect(JSON.parse(actor.definition as string)).toMatchObject({ id: 'call', initial: 'created' });
  expect(actor._version).toBe('0.7.2');
  const ended = await viewer.waitFor((m) => m.type === '@xstate.snapshot' && m.sessionId === actor.sessionId && valueOf(m) === '"ended"');
  expect(ended.rootId).toBe(actor.rootId);
  const callSnapshots = viewer.messages.filter((m) => m.type === '@xstate.snapshot' && m.sessionId === actor.sessionId).map(valueOf);
  expect(callSnapshots).toEqual(expect.arrayContaining([expect.stringContaining('"hold":"held"')]));
  const phone = viewer.messages.find((m) => m.type === '@xstate.actor' && JSON.parse(String(m.definition)).id === 'phone');
  expect(phone).toBeDefined();
  const credentials = await viewer.waitFor((m) => m.type === '@xstate.event' && (m.event as { type?: string }).type === 'PHONE.CREDENTIALS');
  expect(credentials.event).toEqual({ type: 'PHONE.CREDENTIALS', credentials: { authorizationUser: '1001', ha1: '[redacted]' } });
  const text = JSON.stringify(viewer.messages);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(text).toContain('Authorization: [redacted]');
});
