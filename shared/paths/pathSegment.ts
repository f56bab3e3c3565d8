import { CaptureError } from '../errors.js';

/** Characters kept as they are in a path segment: what every store, file system and URL takes unescaped. */
const SAFE = /^[A-Za-z0-9._-]$/;
/** A UTF-16 surrogate not paired with its other half: not text, and UTF-8 would turn it into U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * One path segment made of a value that came from outside (a topic or partition name, an Event Hubs
 * namespace): every byte of its UTF-8 that is not a letter, a digit, `.`, `_` or `-` is
 * percent-encoded, and so is a leading `.` or `_`. The result never holds `/`, `\`, a control
 * character or `%` other than in an escape, and is never `.`, `..` or a name that Spark, Hive and
 * Auto Loader treat as hidden. Values the config and the adapters accept (`orders`, `3`) come out
 * unchanged.
 *
 * Different values give different segments (the encoding is decoded by `decodeURIComponent`), so
 * object names built from them are distinct whenever their coordinates are.
 *
 * @throws CaptureError for an empty value or one with a lone UTF-16 surrogate: neither names
 *   anything, and the second would share its bytes with U+FFFD.
 * @example pathSegment('orders') // 'orders'
 * @example pathSegment('../etc') // '%2E.%2Fetc'
 */
export function pathSegment(value: string): string {
  if (value === '' || LONE_SURROGATE.test(value)) {
    throw new CaptureError(`cannot name a path after ${JSON.stringify(value)}: it is empty or not text`, {
      retriable: false,
    });
  }
  let segment = '';
  for (const character of value) {
    const hidden = segment === '' && (character === '.' || character === '_');
    segment += SAFE.test(character) && !hidden ? character : percentEncoded(character);
  }
  return segment;
}

function percentEncoded(character: string): string {
  return [...Buffer.from(character, 'utf8')]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}
