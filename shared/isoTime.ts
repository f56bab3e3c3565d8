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
  if (zone === 'Z' || zone === 'z') return wallMs;
  const zoneHours = Number(zone.slice(1, 3));
  const zoneMinutes = Number(zone.slice(-2));
  if (zoneHours > 23 || zoneMinutes > 59) return Number.NaN;
  const sign = zone.startsWith('-') ? -1 : 1;
  return wallMs - sign * (zoneHours * 60 + zoneMinutes) * 60_000;
}
