import type { TopicConfig } from '../config/schema.js';
import { parseIsoTime } from '../isoTime.js';

/** Latest time we accept from a body field: the end of year 9999, the last a four-digit folder can hold. */
const MAX_BODY_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Reads the configured time field of a parsed JSON body: an ISO 8601 string (UTC when it names no
 * zone, see `parseIsoTime`) or epoch milliseconds. Returns undefined when the field is missing or not
 * a time between 1970 and 9999; the caller then uses broker time and counts the fallback, so a
 * malformed field never loses the record, and text that only looks like a date ("12") never files it
 * in a minute it does not name.
 */
export function bodyTime(body: unknown, timeSource: TopicConfig['timeSource']): number | undefined {
  if (timeSource === 'broker') return undefined;
  let value: unknown = body;
  for (const name of timeSource.field.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  const epochMs =
    typeof value === 'number' ? value : typeof value === 'string' ? parseIsoTime(value) : Number.NaN;
  return Number.isFinite(epochMs) && epochMs >= 0 && epochMs <= MAX_BODY_TIME_MS
    ? Math.trunc(epochMs)
    : undefined;
}
