const copies = new WeakMap<object, object>();

/**
 * A frozen deep copy of plain data, so a UI can never reach back into the machine's context. Context
 * objects are replaced, never changed, so one copy per object is enough.
 */
export function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const known = copies.get(value as object);
  if (known) return known as T;
  let copy: T;
  if (Array.isArray(value)) copy = value.map(frozenCopy) as T;
  else {
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(value)) fields[key] = frozenCopy((value as Record<string, unknown>)[key]);
    copy = fields as T;
  }
  Object.freeze(copy);
  copies.set(value as object, copy as object);
  return copy;
}
