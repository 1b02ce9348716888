/** The page's settings: `config.json` from the server that serves it, then the URL's query. */
export interface DemoConfig {
  /** Our extension, e.g. 1001. */
  readonly user: string;
  /** SIP password; the project's Kamailio accepts "pw" + user. */
  readonly password: string;
  /** SIP display name on our calls. */
  readonly name: string;
  /** SIP-over-WebSocket server, e.g. ws://127.0.0.1:8080. */
  readonly server: string;
  /** SIP domain of our address of record. */
  readonly domain: string;
  /** Quality report interval, ms. */
  readonly reportMs: number;
  /** Register as soon as the page loads. */
  readonly autoRegister: boolean;
  /** The offline inspector's relay (`ws://127.0.0.1:…/relay`) when the demo runs with `--inspect`; from config.json only. */
  readonly inspectRelay: string | null;
  /** How DTMF is sent: SIP INFO (the library's default) or RFC 2833 telephone-events in the RTP stream. */
  readonly dtmf: 'info' | 'rfc2833';
}

export async function loadConfig(): Promise<DemoConfig> {
  let served: Partial<Record<keyof DemoConfig, unknown>> = {};
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (response.ok) served = (await response.json()) as typeof served;
  } catch {
    /* a page opened without the demo server */
  }
  const query = new URLSearchParams(location.search);
  const pick = (key: keyof DemoConfig, fallback: string): string => query.get(key) ?? (served[key] === undefined ? fallback : String(served[key]));
  const user = pick('user', '1001');
  const server = pick('server', `ws://${location.hostname || '127.0.0.1'}:8080`);
  let serverHost = '127.0.0.1';
  try {
    serverHost = new URL(server).hostname;
  } catch {
    /* shown as a registration failure */
  }
  return {
    user,
    password: pick('password', `pw${user}`),
    name: pick('name', ''),
    server,
    domain: pick('domain', serverHost),
    reportMs: Number(pick('reportMs', '3000')) || 3000,
    autoRegister: pick('autoRegister', 'false') === 'true',
    inspectRelay: typeof served.inspectRelay === 'string' && served.inspectRelay !== '' ? served.inspectRelay : null,
    dtmf: pick('dtmf', 'info') === 'rfc2833' ? 'rfc2833' : 'info',
  };
}
