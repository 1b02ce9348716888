/**
 * Real JsSIP without a network, for unit tests of the JsSIP adapter: an in-process socket (JsSIP accepts
 * any object with its socket interface) through which a test hands raw SIP text to JsSIP and reads what
 * JsSIP sends, a scripted far end that builds its requests and responses from those messages, and a
 * signalling-only RTCPeerConnection (descriptions resolve at once, ICE is complete, the answer's
 * direction follows RFC 3264 from the offer's), so JsSIP's whole signalling path runs for real.
 */
import * as JsSIP from 'jssip';
import { createJsSipUserAgent, type JsSipUserAgentOptions } from '../../adapters/jssip';
import type { AdapterLogger } from '../../adapters/jssip/exception-barrier';
import { createPhone, type Phone, type PhoneOptions } from '../../src';

/** An SDP media direction. */
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** A WebRTC-shaped audio SDP with one direction. */
export function sdp(direction: Direction, version = 1, origin = 'far'): string {
  return [
    'v=0',
    `o=${origin} 4242 ${version} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 127.0.0.1',
    'a=mid:0',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    `a=${direction}`,
    '',
  ].join('\r\n');
}

/** The direction of the first audio m-line of an SDP body (`sendrecv` when absent). */
export function directionOf(body: string): Direction {
  const audio = body.split(/^m=/m).find((section) => section.startsWith('audio')) ?? '';
  const match = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(audio) ?? /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(body.split(/^m=/m)[0] ?? '');
  return (match ? match[1] : 'sendrecv') as Direction;
}

const ANSWER_TO: Readonly<Record<Direction, Direction>> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

class FakeSessionDescription {
  readonly type: string;
  readonly sdp: string;
  constructor(init: { type: string; sdp?: string }) {
    this.type = init.type;
    this.sdp = init.sdp ?? '';
  }
}

/** A signalling-only RTCPeerConnection with the W3C offer/answer state machine (rollback included). */
class FakePeerConnection {
  localDescription: FakeSessionDescription | null = null;
  remoteDescription: FakeSessionDescription | null = null;
  signalingState: RTCSignalingState = 'stable';
  iceGatheringState = 'complete';
  iceConnectionState = 'connected';
  connectionState = 'connected';
  private version = 0;
  private readonly senders: Array<{ track: unknown; dtmf: null }> = [];
  addEventListener(): void {}
  removeEventListener(): void {}
  addTrack(track: unknown): { track: unknown; dtmf: null } {
    const sender = { track, dtmf: null };
    this.senders.push(sender);
    return sender;
  }
  getSenders() {
    return this.senders;
  }
  getReceivers() {
    return [];
  }
  getTransceivers() {
    return [];
  }
  async createOffer() {
    return new FakeSessionDescription({ type: 'offer', sdp: sdp('sendrecv', ++this.version, 'phone') });
  }
  async createAnswer() {
    if (this.signalingState !== 'have-remote-offer') throw new Error('InvalidStateError: createAnswer without a remote offer');
    const offered = directionOf(this.remoteDescription!.sdp);
    return new FakeSessionDescription({ type: 'answer', sdp: sdp(ANSWER_TO[offered], ++this.version, 'phone') });
  }
  async setLocalDescription(description: FakeSessionDescription) {
    if (description.type === 'rollback') {
      if (this.signalingState !== 'have-local-offer') throw new Error('InvalidStateError: nothing to roll back');
      this.signalingState = 'stable';
      return;
    }
    if (description.type === 'offer') {
      if (this.signalingState !== 'stable' && this.signalingState !== 'have-local-offer') throw new Error(`InvalidStateError: local offer in ${this.signalingState}`);
      this.signalingState = 'have-local-offer';
    } else {
      if (this.signalingState !== 'have-remote-offer') throw new Error(`InvalidStateError: local answer in ${this.signalingState}`);
      this.signalingState = 'stable';
    }
    this.localDescription = description;
  }
  async setRemoteDescription(description: FakeSessionDescription) {
    if (description.type === 'offer') {
      // A remote offer in have-local-offer rolls the local one back (as browsers do).
      if (this.signalingState !== 'stable' && this.signalingState !== 'have-local-offer') throw new Error(`InvalidStateError: remote offer in ${this.signalingState}`);
      this.signalingState = 'have-remote-offer';
    } else {
      if (this.signalingState !== 'have-local-offer') throw new Error(`InvalidStateError: remote answer in ${this.signalingState}`);
      this.signalingState = 'stable';
    }
    this.remoteDescription = description;
  }
  async getStats() {
    return new Map();
  }
  close(): void {
    this.signalingState = 'closed';
    this.connectionState = 'closed';
  }
}

/** Install the signalling-only WebRTC globals JsSIP reads. */
export function installSignallingOnlyWebRtc(): void {
  const g = globalThis as Record<string, unknown>;
  g.window = globalThis;
  g.RTCPeerConnection = FakePeerConnection;
  g.RTCSessionDescription = FakeSessionDescription;
}

/** A local audio stream as far as JsSIP and the adapter look at it. */
export function fakeAudioStream(): MediaStream {
  const track = { kind: 'audio', id: 'test-track', enabled: true, stop() {} };
  return {
    id: 'test-stream',
    getTracks: () => [track],
    getAudioTracks: () => [track],
    getVideoTracks: () => [],
    addTrack() {},
  } as unknown as MediaStream;
}

/** The first line of a SIP message. */
export function firstLine(message: string): string {
  return message.slice(0, message.indexOf('\r\n'));
}

/** A header's value (the first one), or null. */
export function headerOf(message: string, name: string): string | null {
  const head = message.slice(0, message.indexOf('\r\n\r\n'));
  const match = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'mi').exec(head);
  return match ? match[1]!.trim() : null;
}

/** Every value of a header, in order. */
export function headersOf(message: string, name: string): string[] {
  const head = message.slice(0, message.indexOf('\r\n\r\n'));
  return [...head.matchAll(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'gmi'))].map((m) => m[1]!.trim());
}

/** The body of a SIP message. */
export function bodyOf(message: string): string {
  const at = message.indexOf('\r\n\r\n');
  return at < 0 ? '' : message.slice(at + 4);
}

/** `SIP/2.0 200 OK` → 200; a request → null. */
export function statusOf(message: string): number | null {
  const match = /^SIP\/2\.0 (\d{3})/.exec(message);
  return match ? Number(match[1]) : null;
}

/** The method of a request, or of the request a response answers (from CSeq). */
export function methodOf(message: string): string {
  return statusOf(message) === null ? firstLine(message).split(' ')[0]! : (headerOf(message, 'CSeq') ?? '').split(/\s+/)[1] ?? '';
}

/** A predicate on sent messages. */
export type MessageMatch = (message: string) => boolean;

/** A request of `method`, or a response with `code` to a request of `method`. */
export function isRequest(method: string): MessageMatch {
  return (m) => statusOf(m) === null && methodOf(m) === method;
}
export function isResponse(code: number, method: string): MessageMatch {
  return (m) => statusOf(m) === code && methodOf(m) === method;
}

/** The in-process socket. `deliver` hands a raw SIP message to JsSIP; `sent` holds what JsSIP sent. */
export class InProcessSocket {
  readonly url = 'wss://far.test.invalid/ws';
  readonly via_transport = 'WSS';
  readonly sip_uri = 'sip:far.test.invalid;transport=ws';
  onconnect: (() => void) | null = null;
  ondisconnect: ((error: boolean, code?: number, reason?: string) => void) | null = null;
  ondata: ((data: string) => void) | null = null;
  /** Every message JsSIP sent, in order. */
  readonly sent: string[] = [];
  private connected = false;
  private waiters: Array<{ match: MessageMatch; from: number; resolve: (m: string) => void }> = [];

  connect(): void {
    queueMicrotask(() => {
      this.connected = true;
      this.onconnect?.();
    });
  }
  disconnect(): void {
    this.connected = false;
    this.ondisconnect?.(false);
  }
  send(message: string): boolean {
    this.sent.push(message);
    const index = this.sent.length - 1;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (index >= w.from && w.match(message)) w.resolve(message);
      else this.waiters.push(w);
    }
    return true;
  }
  isConnected(): boolean {
    return this.connected;
  }
  isConnecting(): boolean {
    return false;
  }
  /** How many messages were sent so far (a mark for {@link waitFor}). */
  mark(): number {
    return this.sent.length;
  }
  /** The first message sent at or after `from` that matches, now or once it is sent. */
  waitFor(match: MessageMatch, from = 0): Promise<string> {
    const found = this.sent.slice(from).find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, from, resolve }));
  }
  /** Messages sent at or after `from` that match. */
  all(match: MessageMatch, from = 0): string[] {
    return this.sent.slice(from).filter(match);
  }
  /** Hand one raw message to JsSIP, as its WebSocket would. */
  deliver(raw: string): void {
    this.ondata!(raw);
  }
}

let branches = 0;

/**
 * The far end of one dialog. Built from the phone's INVITE (`FarEnd.uas`: we answer it) or from the
 * far end's own INVITE and the phone's 2xx (`FarEnd.uac`).
 */
export class FarEnd {
  private cseq = 100;
  private constructor(
    /** The far end's URI with its tag, as it appears in its From (requests) or To (responses). */
    private readonly farParty: string,
    private readonly phoneParty: string,
    readonly callId: string,
    private readonly phoneTarget: string,
    readonly tag: string,
  ) {}

  /** The far end of a call the phone placed: `invite` is the phone's INVITE; `tag` is our To-tag. */
  static uas(invite: string, tag = 'far1'): FarEnd {
    return new FarEnd(
      `${headerOf(invite, 'To')!};tag=${tag}`,
      headerOf(invite, 'From')!,
      headerOf(invite, 'Call-ID')!,
      /<([^>]+)>/.exec(headerOf(invite, 'Contact')!)![1]!,
      tag,
    );
  }

  /** An INVITE from the far end to the phone (`aor` is the phone's address of record). */
  static invite(aor: string, body: string, callId = `far-call-${++branches}`): { raw: string; far: FarEnd } {
    const far = new FarEnd(`<sip:bob@far.test.invalid>;tag=farx${branches}`, `<${aor}>`, callId, aor, `farx${branches}`);
    return { raw: far.request('INVITE', { body, cseq: 1 }), far };
  }

  /** Once the phone answered our INVITE: the phone's To (with its tag) and Contact become the dialog's. */
  confirmed(phoneOk: string): FarEnd {
    const confirmed = new FarEnd(this.farParty, headerOf(phoneOk, 'To')!, this.callId, /<([^>]+)>/.exec(headerOf(phoneOk, 'Contact')!)![1]!, this.tag);
    confirmed.cseq = this.cseq;
    return confirmed;
  }

  /** A response of the far end to `request` (a message the phone sent). */
  respond(request: string, code: number, reason: string, options: { body?: string; tag?: string; extra?: string[] } = {}): string {
    const body = options.body ?? '';
    const to = headerOf(request, 'To')!;
    const needsTag = !/;tag=/.test(to);
    return [
      `SIP/2.0 ${code} ${reason}`,
      ...headersOf(request, 'Via').map((v) => `Via: ${v}`),
      `From: ${headerOf(request, 'From')}`,
      `To: ${to}${needsTag && code > 100 ? `;tag=${options.tag ?? this.tag}` : ''}`,
      `Call-ID: ${headerOf(request, 'Call-ID')}`,
      `CSeq: ${headerOf(request, 'CSeq')}`,
      ...(code >= 180 && methodOf(request) === 'INVITE' ? [`Contact: <sip:bob@far.test.invalid;transport=ws>`] : []),
      ...(options.extra ?? []),
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }

  /** An in-dialog request of the far end. `cseq` defaults to the next one. */
  request(method: string, options: { body?: string; contentType?: string | null; extra?: string[]; cseq?: number } = {}): string {
    const body = options.body ?? '';
    const cseq = options.cseq ?? (method === 'ACK' ? this.cseq : ++this.cseq);
    if (options.cseq !== undefined && method !== 'ACK') this.cseq = Math.max(this.cseq, options.cseq);
    const contentType = options.contentType === undefined ? (body ? 'application/sdp' : null) : options.contentType;
    return [
      `${method} ${this.phoneTarget} SIP/2.0`,
      `Via: SIP/2.0/WSS far.test.invalid;branch=z9hG4bKfar${++branches}`,
      'Max-Forwards: 70',
      `From: ${this.farParty}`,
      `To: ${this.phoneParty}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} ${method}`,
      'Contact: <sip:bob@far.test.invalid;transport=ws>',
      ...(options.extra ?? []),
      ...(contentType ? [`Content-Type: ${contentType}`] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }

  /** The ACK for the far end's last INVITE. */
  ack(): string {
    return this.request('ACK');
  }
}

/** A phone on the JsSIP adapter over an in-process socket. */
export interface InProcessPhone {
  readonly phone: Phone;
  readonly socket: InProcessSocket;
  readonly aor: string;
  readonly warnings: string[];
  /** Wait until every queued microtask and promise callback has run (JsSIP's connection queue included). */
  settle(): Promise<void>;
  destroy(): void;
}

export const AOR = 'sip:alice@test.invalid';

/** A started phone on real JsSIP whose socket is in-process. Call {@link installSignallingOnlyWebRtc} first. */
export async function inProcessPhone(options: { ua?: Partial<JsSipUserAgentOptions>; phone?: Partial<PhoneOptions> } = {}): Promise<InProcessPhone> {
  const socket = new InProcessSocket();
  const warnings: string[] = [];
  const logger: AdapterLogger = { debug: () => {}, warn: (m, ...d) => warnings.push(`${m} ${d.map(String).join(' ')}`) };
  const jssip = { ...JsSIP, WebSocketInterface: function InProcess() { return socket; } } as unknown as typeof JsSIP;
  const phone = createPhone({
    userAgent: createJsSipUserAgent({
      uri: AOR,
      servers: socket.url,
      credentials: { authorizationUser: 'alice', password: 'pw' },
      jssip,
      logger,
      sessionTimers: false,
      ...options.ua,
    }),
    register: false,
    ...options.phone,
  } as PhoneOptions);
  phone.start();
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  for (let i = 0; i < 100 && phone.state.transport !== 'connected'; i++) await settle();
  if (phone.state.transport !== 'connected') throw new Error('the in-process socket did not connect');
  return {
    phone,
    socket,
    aor: AOR,
    warnings,
    settle,
    destroy: () => phone.destroy(),
  };
}
