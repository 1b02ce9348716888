/**
 * A frozen deep copy of plain data, so a UI can never reach back into the machine's context. It
 * keeps no cache: a projection that is called again for the same context objects reuses its own
 * earlier copies (see `callStateProjection`), so nothing outlives the call that owns them.
 */
export function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  let copy: T;
  if (Array.isArray(value)) copy = value.map(frozenCopy) as T;
  else {
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(value)) fields[key] = frozenCopy((value as Record<string, unknown>)[key]);
    copy = fields as T;
  }
  return Object.freeze(copy);
}
