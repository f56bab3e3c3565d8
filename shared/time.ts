/** Milliseconds since the epoch. Injected everywhere a decision depends on "now". */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

export const MINUTE_MS = 60_000;

/** The UTC minute a time falls in, as whole minutes since the epoch. */
export function minuteOf(epochMs: number): number {
  return Math.floor(epochMs / MINUTE_MS);
}

export function minuteStartMs(minute: number): number {
  return minute * MINUTE_MS;
}

/**
 * The last minute that may be sealed at `referenceMs`: one whose end plus the seal delay has passed.
 * Minute m ends at (m + 1) * 60 s, so m is sealable once (m + 1) * 60 s + delay <= reference.
 */
export function lastSealableMinute(referenceMs: number, sealDelayMs: number): number {
  return minuteOf(referenceMs - sealDelayMs) - 1;
}

/**
 * How far ahead of the clock a record's time may be and still count. Producers set Kafka timestamps
 * and body times; one from a skewed clock or a bug, years ahead, would otherwise seal every minute
 * before it and stay invisible itself until that year.
 */
export const MAX_FUTURE_SKEW_MS = 5 * MINUTE_MS;
