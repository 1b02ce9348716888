/** A call target, resolved to the number it names on the memory network. */
export type ParsedTarget =
  | { readonly ok: true; readonly number: string }
  | { readonly ok: false; readonly code: 404 | 484 };

/**
 * Resolve `'1002'`, `'sip:1002@memory'` or `'<sip:1002@memory;transport=ws>'` to `1002`.
 *
 * An empty user part is 484 (address incomplete); a domain other than the network's is 404.
 */
export function parseTarget(target: string, domain: string): ParsedTarget {
  let rest = target.trim();
  if (rest.startsWith('<') && rest.endsWith('>')) rest = rest.slice(1, -1);
  rest = rest.replace(/^sips?:/i, '');
  rest = rest.split(/[;?]/, 1)[0];
  const at = rest.indexOf('@');
  const user = at === -1 ? rest : rest.slice(0, at);
  const host = at === -1 ? null : rest.slice(at + 1).toLowerCase();
  if (user === '') return { ok: false, code: 484 };
  if (host !== null && host !== domain.toLowerCase()) return { ok: false, code: 404 };
  return { ok: true, number: user };
}

/** The SIP URI of a number on the memory network. */
export function uriFor(number: string, domain: string): string {
  return `sip:${number}@${domain}`;
}
