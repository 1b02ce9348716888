/**
 * The offline inspector's relay: serves the page on loopback only, passes redacted inspection events
 * from phones (through createRelayInspector) to pages, with the history first.
 */
import { get } from 'node:http';
import WebSocket from 'ws';
import { createPhone } from '../../src/phone';
import type { Phone } from '../../src/phone';
import { MemorySipNetwork } from '../../adapters/memory';
import { createRelayInspector, isLoopbackHost, startInspector } from '../../src/inspect';
import type { InspectorServer, RelayInspector } from '../../src/inspect';
import { AUTH_HEADER, HA1, PASSWORD, SECRETS, Viewer, buildPage, sessionsOf, valueOf } from './support';

let pageDir: string;
let server: InspectorServer;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  pageDir = buildPage();
  server = await startInspector({ port: 0, pageDir });
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});
afterAll(() => server.close());

function fetchText(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
    }).on('error', reject);
  });
}

describe('startInspector', () => {
  it('serves the page on a loopback address and says where phones send to', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.relayUrl).toBe(`${server.url.replace('http', 'ws')}relay`);
    const page = await fetchText(server.url);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('<script src="inspector.js"></script>');
    expect((await fetchText(`${server.url}inspector.js`)).body).toContain('relay?role=viewer');
    expect((await fetchText(`${server.url}../../etc/passwd`)).status).toBe(404);
    // No page or relay for a non-loopback Host (DNS rebinding) or a non-loopback page origin.
    expect((await fetchText(server.url, { host: 'inspector.example.com' })).status).toBe(421);
    const foreign = new WebSocket(server.relayUrl, { origin: 'https://evil.example' });
    await new Promise<void>((resolve) => foreign.once('error', () => resolve()));
  });

  it('refuses to listen anywhere but loopback', async () => {
    await expect(startInspector({ host: '0.0.0.0', port: 0, pageDir })).rejects.toThrow('loopback only');
    expect(['127.0.0.1', '127.1.2.3:80', 'localhost:4242', '[::1]:4242', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'example.com', '127.0.0.1.example.com', undefined].some(isLoopbackHost)).toBe(false);
  });

  it('relays redacted events of two phones and their calls to pages, history first', async () => {
    const network = new MemorySipNetwork();
    network.addAccount({ number: '1001', password: PASSWORD, ha1: HA1 });
    network.addAccount({ number: '1002', password: 'bob-secret-pw' });
    const inspectors: RelayInspector[] = ['alice', 'bob'].map((label) => createRelayInspector({ url: server.relayUrl, label }));
    const [alice, bob] = [
      createPhone({ userAgent: network.createUserAgent({ number: '1001', password: PASSWORD }), qualityReports: false, inspect: inspectors[0].inspect }),
      createPhone({ userAgent: network.createUserAgent({ number: '1002', password: 'bob-secret-pw' }), qualityReports: false, inspect: inspectors[1].inspect }),
    ] as Phone[];
    cleanups.push(() => [alice, bob].forEach((phone) => phone.destroy()), () => inspectors.forEach((inspector) => inspector.close()));
    alice.start();
    bob.start();
    await network.settle();
    alice.reRegister('1001', HA1);
    await network.settle();
    // A page that opens now gets what happened so far.
    await Promise.all(inspectors.map((inspector) => inspector.flush()));
    const viewer = new Viewer(server.relayUrl);
    cleanups.push(() => viewer.close());
    await viewer.waitFor((m) => m.type === '@xstate.event' && (m.event as { type?: string }).type === 'PHONE.CREDENTIALS');

    bob.on('incoming', ({ session }) => void session.answer());
    const { callId } = await alice.call('1002', { extraHeaders: [AUTH_HEADER] });
    await network.settle();
    alice.hold(callId!);
    await network.settle();
    alice.hangup(callId!);
    await network.settle();

    const isCall = (label: string) => (m: Record<string, unknown>) => m.label === label && m.actorId === callId && m.machine === 'call';
    const aliceEnded = await viewer.waitFor((m) => isCall('alice')(m) && m.type === '@xstate.snapshot' && valueOf(m) === '"ended"');
    await viewer.waitFor((m) => isCall('bob')(m) && m.type === '@xstate.snapshot' && valueOf(m) === '"ended"');
    const aliceCall = viewer.messages.filter(isCall('alice'));
    expect(aliceCall[0]).toMatchObject({ type: '@xstate.actor', name: callId, machine: 'call', label: 'alice', _version: 'callstate-1' });
    expect(aliceCall.filter((m) => m.type === '@xstate.snapshot').map(valueOf)).toEqual(
      expect.arrayContaining(['"dialing"', expect.stringContaining('"hold":"held"'), '"ended"']),
    );
    expect(typeof aliceEnded.at).toBe('number');
    // One session per actor: the two phones' actors do not collide although XState numbers both from x:0.
    expect(sessionsOf(viewer.messages, callId!).size).toBe(2);
    const roots = new Set(viewer.messages.filter((m) => m.machine === 'phone').map((m) => m.rootId));
    expect(roots.size).toBe(2);
    const text = JSON.stringify(viewer.messages);
    for (const secret of [...SECRETS, 'bob-secret-pw']) expect(text).not.toContain(secret);
    expect(text).toContain('"ha1":"[redacted]"');
    expect(server.received).toBeGreaterThanOrEqual(viewer.messages.length);
  });
});
