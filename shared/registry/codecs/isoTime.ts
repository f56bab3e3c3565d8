const MS_PER_DAY = 86_400_000;

/**
 * ISO 8601 text of an instant given as epoch milliseconds plus the digits below the millisecond, in
 * UTC with a `Z` (or without a zone, for Avro's local timestamps). Milliseconds are always written,
 * as `Date#toISOString` does; finer digits only when they are there, so microseconds and nanoseconds
 * survive.
 *
 * @example isoInstant(1714521600123, '456', 'Z') // '2024-05-01T00:00:00.123456Z'
 */
export function isoInstant(epochMs: number, belowMs: string, zone: 'Z' | ''): string {
  const whole = new Date(epochMs).toISOString().slice(0, 19);
  const millis = String(((epochMs % 1000) + 1000) % 1000).padStart(3, '0');
  return `${whole}.${millis}${belowMs.replace(/(?:000)+$/, '')}${zone}`;
}

/**
 * Microseconds since the epoch (Avro `timestamp-micros`, exact as a bigint) as ISO text.
 *
 * @example isoFromMicros(253402300799999999n, 'Z') // '9999-12-31T23:59:59.999999Z'
 */
export function isoFromMicros(micros: bigint, zone: 'Z' | ''): string {
  // Floor division: a time before 1970 has its microseconds counted up from the millisecond below.
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  return isoInstant(Number(ms), String(micros - ms * 1000n).padStart(3, '0'), zone);
}

/** Days since 1970-01-01 (Avro `date`) as `YYYY-MM-DD`. */
export function isoDate(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Microseconds after midnight (Avro `time-micros`; `time-millis` times 1000) as `HH:MM:SS[.ffffff]`. */
export function isoTimeOfDay(micros: bigint): string {
  return isoFromMicros(micros, '').slice(11);
}
