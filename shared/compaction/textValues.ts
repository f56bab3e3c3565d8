/**
 * The text forms registry decoding writes for values JSON has no type for (see
 * `shared/registry/codecs/`), read back into what their typed columns hold: ISO times as
 * microseconds, ISO dates as days, exact decimal text as the unscaled integer of the column's scale,
 * Protobuf's names of non-finite floats as those floats. Each returns null for text it cannot read
 * exactly, so the value goes to the rescue column rather than being changed.
 */

const MS_PER_DAY = 86_400_000;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Microseconds since the epoch of an ISO 8601 time with a zone (`Z` or an offset). Delta's
 * timestamps hold microseconds: a time with a non-zero digit below them is null, not truncated.
 *
 * @example microsOfIsoTime('2026-11-21T12:00:01.234567Z') // 1795262401234567n
 */
export function microsOfIsoTime(text: string): bigint | null {
  const match = ISO_TIME.exec(text);
  if (!match) return null;
  const [, date, time, fraction = '', zone] = match;
  if (!/^0*$/.test(fraction.slice(6))) return null;
  const seconds = Date.parse(`${date}T${time}${zone}`);
  if (Number.isNaN(seconds) || !sameCalendarDate(date as string)) return null;
  return BigInt(seconds) * 1000n + BigInt(fraction.slice(0, 6).padEnd(6, '0'));
}

/**
 * Days since 1970-01-01 of an ISO date, null for text that is no date of the calendar.
 *
 * @example daysOfIsoDate('1970-01-02') // 1
 */
export function daysOfIsoDate(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !sameCalendarDate(text)) return null;
  return Date.parse(`${text}T00:00:00Z`) / MS_PER_DAY;
}

/** Date.parse rolls impossible days over (`2026-02-30` is March 2nd in some engines): refuse them. */
function sameCalendarDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The unscaled value of exact decimal text in a `decimal(precision, scale)` column: null when it
 * has more digits than the precision holds, or non-zero digits below the scale.
 *
 * @example unscaledOfDecimalText('-12.3', 12, 2) // -1230n
 */
export function unscaledOfDecimalText(text: string, precision: number, scale: number): bigint | null {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return null;
  const [, sign, whole = '', fraction = ''] = match;
  if (!/^0*$/.test(fraction.slice(scale))) return null;
  const digits = `${whole}${fraction.slice(0, scale).padEnd(scale, '0')}`.replace(/^0+(?=\d)/, '');
  if (digits.length > precision) return null;
  const unscaled = BigInt(digits);
  return sign === '-' ? -unscaled : unscaled;
}

/** Protobuf's JSON names of the floats JSON cannot write (see `decodedJson`). */
export const NON_FINITE_FLOATS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};
