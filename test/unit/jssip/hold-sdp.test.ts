import { heldSdp, zeroAddressHoldAsDirection } from '../../../adapters/jssip/hold-sdp';

const sdp = (...media: string[]) => ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', ...media, ''].join('\r\n');
const audio = (direction: string | null, extra: string[] = []) => ['m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 127.0.0.1', ...(direction ? [`a=${direction}`] : []), ...extra].join('\r\n');
const directions = (text: string) => [...text.matchAll(/^a=(sendrecv|sendonly|recvonly|inactive)$/gm)].map((m) => m[1]);

describe('heldSdp', () => {
  test.each([
    ['sendrecv', 'sendonly'],
    ['sendonly', 'sendonly'],
    ['recvonly', 'inactive'],
    ['inactive', 'inactive'],
  ])('held locally: %s → %s', (from, to) => {
    expect(directions(heldSdp(sdp(audio(from)), { local: true, remote: false }))).toEqual([to]);
  });

  test('held both ways: inactive whatever the browser chose', () => {
    expect(directions(heldSdp(sdp(audio('sendrecv'), audio('recvonly').replace('audio', 'video')), { local: true, remote: true }))).toEqual(['inactive', 'inactive']);
  });

  test('not held locally: unchanged, even when the far end holds us', () => {
    const text = sdp(audio('sendrecv'));
    expect(heldSdp(text, { local: false, remote: true })).toBe(text);
  });

  test('a stream without a direction line gets one; a rejected stream (port 0) and non-media sections are left alone', () => {
    const text = sdp(audio(null), 'm=video 0 UDP/TLS/RTP/SAVPF 96\r\na=sendrecv', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sendrecv');
    expect(directions(heldSdp(text, { local: true, remote: false }))).toEqual(['sendonly', 'sendrecv', 'sendrecv']);
  });

  test('the session-level direction is what a stream without its own inherits', () => {
    const text = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=recvonly', audio(null), ''].join('\r\n');
    expect(directions(heldSdp(text, { local: true, remote: false }))).toEqual(['recvonly', 'inactive']);
  });
});

describe('zeroAddressHoldAsDirection', () => {
  test('c=0.0.0.0 on the stream: sendrecv → sendonly, recvonly → inactive', () => {
    expect(directions(zeroAddressHoldAsDirection(sdp(audio('sendrecv').replace('127.0.0.1', '0.0.0.0'))))).toEqual(['sendonly']);
    expect(directions(zeroAddressHoldAsDirection(sdp(audio('recvonly').replace('127.0.0.1', '0.0.0.0'))))).toEqual(['inactive']);
  });

  test('c=0.0.0.0 at session level applies to streams without their own address', () => {
    const text = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 4000 RTP/AVP 0', ''].join('\r\n');
    expect(directions(zeroAddressHoldAsDirection(text))).toEqual(['sendonly']);
  });

  test('a stream added to a BUNDLE group with a placeholder c=0.0.0.0 (video added to a call) is not a hold', () => {
    const text = [
      'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1',
      'm=audio 40000 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 127.0.0.1', 'a=mid:0', 'a=sendrecv',
      'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', 'a=mid:1', 'a=sendrecv', '',
    ].join('\r\n');
    expect(directions(zeroAddressHoldAsDirection(text))).toEqual(['sendrecv', 'sendrecv']);
  });

  test('a real address, or a rejected stream, is left as it is', () => {
    const real = sdp(audio('sendrecv'));
    expect(zeroAddressHoldAsDirection(real)).toBe(real);
    const rejected = sdp('m=audio 0 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\na=sendrecv');
    expect(directions(zeroAddressHoldAsDirection(rejected))).toEqual(['sendrecv']);
  });
});
