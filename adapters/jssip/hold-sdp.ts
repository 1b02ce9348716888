/**
 * The media direction the phone puts on the wire while it holds a call.
 *
 * RFC 3264 §8.4: the side that holds marks its streams `sendonly` (or `inactive` when it was itself
 * put on hold). JsSIP rewrites the direction only in the offers of its own hold/unhold re-INVITEs; in
 * an answer (a far-end re-INVITE or UPDATE while held) it sends what the browser produced, typically
 * `sendrecv`, so the far end resumes audio while the phone still shows "held". The adapter passes every
 * SDP the phone sends (JsSIP's `sdp` event, originator local) through {@link heldSdp}.
 */

const HOLD_MEDIA = new Set(['audio', 'video']);
const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)[ \t]*$/m;

/** Whose hold is in force: ours (`local`) and the far end's (`remote`). */
export interface HoldFlags {
  readonly local: boolean;
  readonly remote: boolean;
}

function heldDirection(direction: string, remote: boolean): string {
  if (remote) return 'inactive';
  // Holding means we stop receiving: drop `recv` from whatever the browser chose.
  return direction === 'sendrecv' || direction === 'sendonly' ? 'sendonly' : 'inactive';
}

/**
 * `sdp` with every audio and video stream's direction made to say what the hold state is: unchanged
 * when the phone does not hold the call, `sendonly` (or `inactive` for a stream the browser did not
 * offer to send, or when the far end holds us too) when it does. Other lines are kept as they are.
 */
export function heldSdp(sdp: string, hold: HoldFlags): string {
  if (!hold.local) return sdp;
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const sections = sdp.split(/(?=^m=)/m);
  const session = sections[0] ?? '';
  const sessionDirection = DIRECTION.exec(session)?.[1] ?? 'sendrecv';
  return sections
    .map((section, index) => {
      if (index === 0) return section;
      const kind = /^m=(\S+)/.exec(section)?.[1] ?? '';
      if (!HOLD_MEDIA.has(kind) || /^m=\S+ 0 /.test(section)) return section;
      const current = DIRECTION.exec(section);
      const next = heldDirection(current?.[1] ?? sessionDirection, hold.remote);
      if (current) return section.replace(DIRECTION, `a=${next}`);
      const trimmed = section.endsWith(eol) ? section.slice(0, -eol.length) : section;
      return `${trimmed}${eol}a=${next}${eol}`;
    })
    .join('');
}

const ZERO_ADDRESS = /^c=IN IP4 0\.0\.0\.0[ \t]*$/m;

/**
 * An offer that holds us the RFC 2543 way — a connection address of 0.0.0.0 on a stream with a non-zero
 * port — rewritten to say so with a direction, as RFC 3264 §8.4 requires an agent to understand it
 * ("neither RTP nor RTCP should be sent to the peer"): `sendrecv` becomes `sendonly`, `recvonly`
 * becomes `inactive`. JsSIP reads only the direction, so without this the phone neither shows the
 * remote hold nor stops sending. Streams with a real address are left as they are.
 */
export function zeroAddressHoldAsDirection(sdp: string): string {
  if (!ZERO_ADDRESS.test(sdp)) return sdp;
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const sections = sdp.split(/(?=^m=)/m);
  const sessionZero = ZERO_ADDRESS.test(sections[0] ?? '');
  const sessionDirection = DIRECTION.exec(sections[0] ?? '')?.[1] ?? 'sendrecv';
  const sharing = bundledNotTagged(sections[0] ?? '');
  return sections
    .map((section, index) => {
      if (index === 0) return section;
      const kind = /^m=(\S+)/.exec(section)?.[1] ?? '';
      if (!HOLD_MEDIA.has(kind) || /^m=\S+ 0 /.test(section)) return section;
      // A stream that shares another's transport (BUNDLE) carries a placeholder address: a browser
      // adding video to a bundled call offers it with c=0.0.0.0. That is not a hold (RFC 8843 §7).
      const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
      if (mid !== undefined && sharing.has(mid)) return section;
      const ownAddress = /^c=/m.test(section);
      if (!(ownAddress ? ZERO_ADDRESS.test(section) : sessionZero)) return section;
      const current = DIRECTION.exec(section);
      const direction = current?.[1] ?? sessionDirection;
      const next = direction === 'sendrecv' || direction === 'sendonly' ? 'sendonly' : 'inactive';
      if (current) return section.replace(DIRECTION, `a=${next}`);
      const trimmed = section.endsWith(eol) ? section.slice(0, -eol.length) : section;
      return `${trimmed}${eol}a=${next}${eol}`;
    })
    .join('');
}

/** The mids of a session's BUNDLE groups that are not the first of their group (they use its transport). */
function bundledNotTagged(session: string): ReadonlySet<string> {
  const mids = new Set<string>();
  for (const group of session.matchAll(/^a=group:BUNDLE[ \t]+(.+?)[ \t]*$/gm)) {
    const [, ...rest] = group[1].split(/[ \t]+/);
    for (const mid of rest) mids.add(mid);
  }
  return mids;
}
