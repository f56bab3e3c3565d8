/**
 * Guards for a trigger's batch checked by hand before its zod schema. A zod parse visits and copies
 * every entry of every array (about half of an adapter's time on a batch of thousands of events), so
 * the adapters check the shape with these first and run the schema only to explain a batch that
 * fails them. Each guard accepts no more than the schema it stands in for.
 */

/** A plain object: not null, not an array, not a class instance (no more than `z.record` accepts). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** An array, or nothing where the schema marks the field optional. */
export function isArrayOrAbsent(value: unknown): value is unknown[] | undefined {
  return value === undefined || Array.isArray(value);
}

/**
 * Every entry passes, holes included: `Array.prototype.every` skips the holes of a sparse array,
 * which zod checks as `undefined`.
 */
export function everyEntry(array: readonly unknown[], test: (entry: unknown) => boolean): boolean {
  for (let index = 0; index < array.length; index++) {
    if (!test(array[index])) return false;
  }
  return true;
}
