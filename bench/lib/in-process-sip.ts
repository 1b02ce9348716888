/**
 * JsSIP without a network: the tests' in-process socket (JsSIP accepts any object with the socket
 * interface) and a far end that answers JsSIP's INVITE and sends in-dialog requests as raw SIP text, plus the
 * tests' signalling-only RTCPeerConnection.
 *
 * Why a fake RTCPeerConnection and not @roamhq/wrtc here: benchmark 1 measures what callstate adds
 * to JsSIP's handling of a SIP message. With wrtc, a 200 or a re-INVITE would also include a native
 * setRemoteDescription/createAnswer (milliseconds, on another thread, with a wide spread), which
 * would dilute the ratio and flatter the library. The fake resolves at once, so JsSIP's whole
 * signalling path (parsing, transactions, dialog, SDP hold detection, events) runs for real and only
 * native media work is left out, for both sides alike (the same globals serve both UAs).
 */

const SDP = (direction: 'sendrecv' | 'sendonly', version: number) =>
  [
    'v=0',
    `o=- 4242 ${version} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'c=IN IP4 127.0.0.1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=rtpmap:111 opus/48000/2',
    'a=mid:0',
    `a=${direction}`,
    '',
  ].join('\r\n');

// The same signalling-only WebRTC the adapter's unit tests use (answers follow RFC 3264 from the
// offer's direction), for both sides of the benchmark.
export { fakeAudioStream, installSignallingOnlyWebRtc, InProcessSocket } from '../../test/support/in-process-sip';
import { firstLine, type InProcessSocket } from '../../test/support/in-process-sip';

/** The next message `socket` sends whose first line matches (messages sent before the call are not looked at). */
export function nextSent(socket: InProcessSocket, first: RegExp): Promise<string> {
  return socket.waitFor((message) => first.test(firstLine(message)), socket.mark());
}

function header(message: string, name: string): string {
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(message);
  if (!match) throw new Error(`no ${name} header in:\n${message}`);
  return match[1]!.trim();
}

/** The far end of one call: builds its responses and requests from JsSIP's INVITE. */
export class FarEndDialog {
  private readonly via: string;
  private readonly from: string;
  private readonly to: string;
  private readonly callId: string;
  private readonly cseq: string;
  private readonly ourContactUri: string;
  private readonly farTag: string;
  private farCseq = 0;
  private branch = 0;

  constructor(invite: string, id: number) {
    this.via = header(invite, 'Via');
    this.from = header(invite, 'From');
    this.to = header(invite, 'To');
    this.callId = header(invite, 'Call-ID');
    this.cseq = header(invite, 'CSeq');
    this.ourContactUri = /<([^>]+)>/.exec(header(invite, 'Contact'))![1]!;
    this.farTag = `far${id}`;
  }

  private response(code: number, reason: string, body = ''): string {
    return [
      `SIP/2.0 ${code} ${reason}`,
      `Via: ${this.via}`,
      `From: ${this.from}`,
      `To: ${this.to};tag=${this.farTag}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${this.cseq}`,
      'Contact: <sip:bob@far.bench.invalid;transport=ws>',
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }

  private request(method: string, extra: string[], body: string, cseq?: number): string {
    if (cseq === undefined) cseq = ++this.farCseq;
    return [
      `${method} ${this.ourContactUri} SIP/2.0`,
      `Via: SIP/2.0/WSS far.bench.invalid;branch=z9hG4bKfar${this.farTag}x${++this.branch}`,
      'Max-Forwards: 70',
      `From: ${this.to};tag=${this.farTag}`,
      `To: ${this.from}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} ${method}`,
      'Contact: <sip:bob@far.bench.invalid;transport=ws>',
      ...extra,
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }

  ringing(): string {
    return this.response(180, 'Ringing');
  }
  ok(): string {
    return this.response(200, 'OK', SDP('sendrecv', 1));
  }
  holdReinvite(): string {
    return this.request('INVITE', ['Content-Type: application/sdp'], SDP('sendonly', 2));
  }
  /** ACK for the last re-INVITE. */
  ack(): string {
    return this.request('ACK', [], '', this.farCseq);
  }
  infoDtmf(tone: string): string {
    return this.request('INFO', ['Content-Type: application/dtmf-relay'], `Signal=${tone}\r\nDuration=100\r\n`);
  }
  bye(): string {
    return this.request('BYE', [], '');
  }
}
