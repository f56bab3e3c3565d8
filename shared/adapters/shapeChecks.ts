/**
 * Guards for a trigger's batch checked by hand before its zod schema. A zod parse visits and copies
 * every entry of every array (about half of an adapter's time on a batch of thousands of events), so
 * the adapters check the shape with these first and run the schema only to explain a batch that
 * fails them. Each guard accepts no more than the schema it stands in for.
 */

/** A plain object, as `z.record` and `z.object` accept it: not null, not an array, not a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** An array, or nothing where the schema marks the field optional. */
export function isArrayOrAbsent(value: unknown): value is unknown[] | undefined {
  return value === undefined || Array.isArray(value);
}
