/**
 * ISO 8601 date-times (RFC 3339) as platforms and producers write them: `2026-11-21T12:00:01.123Z`,
 * with an offset (`+02:00`, or `+0200` as Java's default pattern writes it), a lower-case `t` or `z`
 * (RFC 3339 allows them), up to nine fraction digits (.NET writes seven), a space instead of the
 * `T`, without seconds, without a time (midnight) or without a zone.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Epoch milliseconds of an ISO 8601 date-time, or NaN for any other text. A time without a zone is
 * UTC: the Functions host writes Event Hubs enqueued times that way, and `Date.parse` would read them
 * in the machine's zone, so the same record would land in another minute on another machine.
 * `Date.parse` is not used at all: it also takes whatever its legacy parser guesses at ("12" is
 * December 2001 there). Fractions finer than a millisecond are truncated.
 *
 * @example parseIsoTime('2026-11-21T12:00:01.1234567') // 1795262401123
 * @example parseIsoTime('12') // NaN
 */
export function parseIsoTime(text: string): number {
  return lastMinute !== undefined && text.startsWith(lastMinute.prefix)
    ? inLastMinute(text, lastMinute.wallMs)
    : parseFully(text);
}

/**
 * The minute of the last time read, up to and including its minutes (`2026-11-21T12:00`): a batch's
 * records share a handful of minutes, and the regular expression and the date checks take several
 * times as long as reading the seconds that follow. Replaced by every time with seconds read in full
 * whose date and time of day are valid.
 */
let lastMinute: { readonly prefix: string; readonly wallMs: number } | undefined;
const MINUTE_PREFIX_LENGTH = 16;

/** A time in the last minute read, when the rest is `:ss`, a fraction and `Z` or no zone at all. */
function inLastMinute(text: string, minuteWallMs: number): number {
  if (text.charCodeAt(MINUTE_PREFIX_LENGTH) !== COLON) return parseFully(text);
  const seconds = twoDigits(text, MINUTE_PREFIX_LENGTH + 1);
  if (!(seconds <= 59)) return parseFully(text);
  let index = MINUTE_PREFIX_LENGTH + 3;
  let millis = 0;
  if (text.charCodeAt(index) === DOT) {
    const digitsFrom = ++index;
    for (; index < text.length && index - digitsFrom < 9 && isDigit(text.charCodeAt(index)); index++) {
      millis += (text.charCodeAt(index) - ZERO) * (MILLIS_PER_FRACTION_DIGIT[index - digitsFrom] ?? 0);
    }
    if (index === digitsFrom) return parseFully(text);
  }
  const zone = text.charCodeAt(index);
  if (zone === UPPER_Z || zone === LOWER_Z) index++;
  if (index !== text.length) return parseFully(text);
  return minuteWallMs + seconds * 1000 + millis;
}

function parseFully(text: string): number {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return Number.NaN;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wallMs = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.slice(0, 3).padEnd(3, '0')));
  // Date.UTC rolls 31 February into March and reads years below 100 as 19xx; a round trip catches both.
  const check = new Date(wallMs);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return Number.NaN;
  if (h > 23 || mi > 59 || s > 59) return Number.NaN;
  if (text.charCodeAt(MINUTE_PREFIX_LENGTH) === COLON) {
    lastMinute = { prefix: text.slice(0, MINUTE_PREFIX_LENGTH), wallMs: Date.UTC(y, mo - 1, d, h, mi) };
  }
  if (zone === 'Z' || zone === 'z') return wallMs;
  const zoneHours = Number(zone.slice(1, 3));
  const zoneMinutes = Number(zone.slice(-2));
  if (zoneHours > 23 || zoneMinutes > 59) return Number.NaN;
  const sign = zone.startsWith('-') ? -1 : 1;
  return wallMs - sign * (zoneHours * 60 + zoneMinutes) * 60_000;
}

const COLON = 0x3a;
const DOT = 0x2e;
const ZERO = 0x30;
const UPPER_Z = 0x5a;
const LOWER_Z = 0x7a;
/** What each fraction digit is worth in milliseconds; finer digits are truncated. */
const MILLIS_PER_FRACTION_DIGIT = [100, 10, 1];

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** The two-digit number at `index`, or NaN. */
function twoDigits(text: string, index: number): number {
  const tens = text.charCodeAt(index);
  const ones = text.charCodeAt(index + 1);
  return isDigit(tens) && isDigit(ones) ? (tens - ZERO) * 10 + (ones - ZERO) : Number.NaN;
}

/**
 * `new Date(epochMs).toISOString()`, the text up to the second kept from the call before: every
 * envelope writes its record's time, consecutive records share their second, and formatting a date
 * anew took as long as writing the rest of an envelope's coordinates.
 *
 * @throws RangeError for a time a Date cannot hold, as `toISOString` does
 */
export function isoTimeText(epochMs: number): string {
  const millisSinceEpoch = Math.trunc(epochMs);
  // Throws the RangeError toISOString throws for such a time.
  if (!(Math.abs(millisSinceEpoch) <= MAX_DATE_MS)) return new Date(epochMs).toISOString();
  const second = Math.floor(millisSinceEpoch / 1000);
  if (lastSecond?.second !== second) {
    // "2026-11-21T12:00:01." of "2026-11-21T12:00:01.000Z"
    lastSecond = { second, text: new Date(second * 1000).toISOString().slice(0, -4) };
  }
  const millis = millisSinceEpoch - second * 1000;
  return `${lastSecond.text}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

let lastSecond: { readonly second: number; readonly text: string } | undefined;
/** The furthest a Date reaches either side of the epoch (ECMAScript's TimeClip). */
const MAX_DATE_MS = 8.64e15;
