import { TriggerShapeError } from '../errors.js';
import { parseIsoTime } from '../isoTime.js';

/**
 * Readers for the scalar values every trigger adapter takes from untrusted platform input. Each one
 * either returns a value the core can rely on or throws a {@link TriggerShapeError} that names where
 * the value came from, so one bad coordinate stops the batch loudly instead of misfiling records.
 * Where a value came from is asked for only then: a batch of thousands of records would otherwise
 * build a description of each of their values for nothing.
 */

/** Latest broker time accepted: the end of year 9999, the last a four-digit folder can hold. */
const MAX_BROKER_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const PARTITION_ID = /^\d{1,5}$/;
const DECIMAL_DIGITS = /^\d{1,16}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const TWO_POW_32 = 2 ** 32;

/**
 * Broker time in epoch milliseconds from a `Date`, epoch milliseconds, or an ISO 8601 string.
 * A string without a zone is UTC: the Functions host writes Event Hubs enqueued times that way, and
 * `Date.parse` would read them in the machine's local zone. Fractions finer than a millisecond are
 * truncated.
 *
 * Returns NaN for a missing time or one outside 1970 to 9999 instead of throwing: a Kafka producer
 * sets its records' timestamps (-1 when it sets none), and one such record must not hold its whole
 * partition. The pipeline places it by arrival time instead (see `ingestBatch`).
 *
 * @example brokerTimeOf('2026-11-21T12:00:01.1234567') // 1795262401123
 */
export function brokerTimeOf(value: unknown): number {
  const epochMs =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value
        : typeof value === 'string'
          ? parseIsoTime(value)
          : Number.NaN;
  return Number.isInteger(epochMs) && epochMs >= 0 && epochMs <= MAX_BROKER_TIME_MS ? epochMs : Number.NaN;
}

/**
 * A non-negative safe integer position (sequence number or offset). Accepts numbers, decimal
 * strings, bigints and protobuf Long-like objects `{ low, high, unsigned }`: Node.js worker 3.16.0
 * briefly delivered `sequenceNumberArray` in that form (azure-functions-nodejs-worker#844).
 */
export function positionOf(value: unknown, where: () => string): number {
  const position = toInteger(value);
  if (position === undefined || !Number.isSafeInteger(position) || position < 0) {
    throw new TriggerShapeError(`${where()} is ${describe(value)}, not a non-negative safe integer position`);
  }
  return position;
}

function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  if (typeof value === 'string') return DECIMAL_DIGITS.test(value) ? Number(value) : undefined;
  if (isLongLike(value)) {
    const negative = !value.unsigned && value.high < 0;
    return negative ? -1 : value.high * TWO_POW_32 + (value.low >>> 0);
  }
  return undefined;
}

function isLongLike(value: unknown): value is { low: number; high: number; unsigned?: boolean } {
  if (value === null || typeof value !== 'object') return false;
  const { low, high } = value as { low?: unknown; high?: unknown };
  return Number.isInteger(low) && Number.isInteger(high);
}

/** A partition id as decimal digits ("0" to "99999"); a small non-negative integer is accepted too. */
export function partitionIdOf(value: unknown, where: () => string): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof text !== 'string' || !PARTITION_ID.test(text)) {
    throw new TriggerShapeError(
      `${where()} is ${describe(value)}, not a partition id of 1 to 5 decimal digits`,
    );
  }
  return text;
}

/**
 * Message key bytes: UTF-8 of a string key, `null` when there is none. Keys the Node.js library has
 * already JSON-parsed (a numeric key string becomes a number) are written back as their JSON text,
 * which restores every key that was canonical JSON to begin with.
 */
export function keyBytesOf(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * Strict base64 (`Buffer.from` silently skips bad characters, which would corrupt a header unnoticed).
 * Encoders write canonical base64, so encoding the bytes again and getting the same text proves the
 * text valid at a fraction of the pattern's cost on a large value; only other text meets the pattern.
 */
export function decodeBase64(text: string, where: () => string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') === text) return bytes;
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new TriggerShapeError(`${where()} is not valid base64`);
  }
  return bytes;
}

/**
 * A short, safe description of an unexpected value for error messages. Text is described by its
 * length, never quoted: the value may be a record body or a header (a trigger registered with another
 * cardinality or data type hands over bare bodies), and the message goes to the logs on every retry.
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (value instanceof Date)
    return `the date ${Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()}`;
  if (typeof value === 'string') return `text of ${value.length} characters`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
