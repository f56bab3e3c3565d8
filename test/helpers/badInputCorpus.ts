import { MISSING, type PlatformName } from './capturePlatforms.js';

/**
 * The bad-input corpus: records a producer or a platform can really hand us, each with where the
 * contract (DESIGN.md §3) says it ends. Bodies are for any topic writing JSON lines; broker times are
 * written the way each platform writes them; body times are values of a topic's `timeSource` field.
 *
 * Where the odd values come from: .NET writes `DateTime.MinValue` (year 1) and `MaxValue`
 * (9999-12-31T23:59:59.9999999) for unset times, and the Azure Kafka extension serializes its
 * `Timestamp` as .NET does; a Kafka producer that sets no timestamp sends -1 (`NO_TIMESTAMP`);
 * JavaScript's Date ends at ±8.64e15 ms (year 275760). A body that is not UTF-8 is what Latin-1,
 * UTF-16 or a truncated write produces; the Azure Kafka extension decodes values as UTF-8 before our
 * handler sees them, so those bytes reach it as U+FFFD (`expectedAsText`).
 */

/** The topic's limits in these runs: small, so big bodies stay cheap. */
export const MAX_RECORD_BYTES = 512 * 1024;
export const MAX_SEGMENT_BYTES = 256 * 1024;
/** Deep enough to overflow any recursive parser's stack. */
const DEPTH = 100_000;

/** Where one record ends: in its minute's raw object, or as a dead letter with this reason and detail. */
export type Outcome =
  | {
      readonly ends: 'raw';
      /** The body as its line holds it, when that is not the delivered bytes (whitespace removed). */
      readonly lineBody?: string;
    }
  | { readonly ends: 'deadletter'; readonly reason: string; readonly detail: string };

export interface BodyCase {
  readonly name: string;
  readonly body: Buffer;
  readonly expected: Outcome;
  /** Where it ends when the trigger hands values over as UTF-8 text (Azure Kafka), if elsewhere. */
  readonly expectedAsText?: Outcome;
}

const text = (value: string) => Buffer.from(value, 'utf8');
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? text(part) : Buffer.from(part))));

const SEALED: Outcome = { ends: 'raw' };
const invalidJson = (detail: string): Outcome => ({ ends: 'deadletter', reason: 'invalid-json', detail });
const endsAt = (index: number) =>
  invalidJson(`not a JSON value: the body ends at byte ${index} before its value does`);
const unexpected = (hex: string, index: number) =>
  invalidJson(`not a JSON value: unexpected byte ${hex} at byte ${index}`);
const NOT_UTF8: Outcome = { ends: 'deadletter', reason: 'not-utf8', detail: 'body is not valid UTF-8' };

const filler = (length: number) => `{"blob":"${'a'.repeat(length - 11)}"}`;

export const BODY_CASES: readonly BodyCase[] = [
  { name: 'a valid object (the control)', body: text('{"order":17,"status":"paid"}'), expected: SEALED },
  { name: 'a truncated object', body: text('{"order":17,"items":[1,2'), expected: endsAt(24) },
  { name: 'trailing garbage', body: text('{"order":17}garbage'), expected: unexpected('0x67', 12) },
  { name: 'two values', body: text('{"a":1}{"b":2}'), expected: unexpected('0x7b', 7) },
  { name: 'single quotes', body: text("{'a':1}"), expected: unexpected('0x27', 1) },
  { name: 'NaN', body: text('{"a":NaN}'), expected: unexpected('0x4e', 5) },
  {
    name: 'a byte order mark before JSON',
    body: bytes([0xef, 0xbb, 0xbf], '{}'),
    expected: unexpected('0xef', 0),
  },
  { name: 'whitespace only', body: text(' \t\r\n'), expected: endsAt(4) },
  // The config never requires objects: every JSON value is a record.
  { name: 'a bare string', body: text('"just a string"'), expected: SEALED },
  { name: 'a bare string naming a path', body: text('"../../etc/passwd"'), expected: SEALED },
  { name: 'a bare number beyond 2^53', body: text('12345678901234567890123'), expected: SEALED },
  { name: 'null', body: text('null'), expected: SEALED },
  {
    name: 'an empty body',
    body: Buffer.alloc(0),
    expected: { ends: 'deadletter', reason: 'empty-body', detail: 'body is empty' },
  },
  { name: 'a body larger than a segment', body: text(filler(MAX_SEGMENT_BYTES + 4096)), expected: SEALED },
  {
    name: 'a body over maxRecordBytes',
    body: text(filler(MAX_RECORD_BYTES + 1)),
    expected: {
      ends: 'deadletter',
      reason: 'too-large',
      detail: `body is ${MAX_RECORD_BYTES + 1} bytes; maxRecordBytes is ${MAX_RECORD_BYTES}`,
    },
  },
  {
    name: `${DEPTH} nested arrays`,
    body: text(`${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`),
    expected: SEALED,
  },
  {
    name: `${DEPTH / 2} nested objects`,
    body: text(`${'{"a":'.repeat(DEPTH / 2)}1${'}'.repeat(DEPTH / 2)}`),
    expected: SEALED,
  },
  { name: `${DEPTH} unclosed arrays`, body: text('['.repeat(DEPTH)), expected: endsAt(DEPTH) },
  {
    name: `${DEPTH} arrays closed by a brace`,
    body: text(`${'['.repeat(DEPTH)}}`),
    expected: unexpected('0x7d', DEPTH),
  },
  {
    name: 'a Latin-1 byte in a string',
    body: bytes('{"name":"caf', [0xe9], '"}'),
    expected: NOT_UTF8,
    expectedAsText: SEALED,
  },
  {
    name: 'an overlong encoding',
    body: bytes('{"a":"', [0xc0, 0xaf], '"}'),
    expected: NOT_UTF8,
    expectedAsText: SEALED,
  },
  {
    name: 'a surrogate encoded as UTF-8',
    body: bytes('{"a":"', [0xed, 0xa0, 0x80], '"}'),
    expected: NOT_UTF8,
    expectedAsText: SEALED,
  },
  {
    name: 'a multi-byte character cut short',
    body: bytes('{"a":"', [0xe2, 0x82], '"}'),
    expected: NOT_UTF8,
    expectedAsText: SEALED,
  },
  {
    name: 'UTF-16 with its byte order mark',
    body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')]),
    expected: NOT_UTF8,
    expectedAsText: unexpected('0xef', 0),
  },
  {
    name: 'a NUL byte inside a string',
    body: bytes('{"a":"x', [0x00], 'y"}'),
    expected: unexpected('0x00', 7),
  },
  { name: 'a NUL escaped inside a string', body: text('{"a":"x\\u0000y"}'), expected: SEALED },
  { name: 'a NUL byte after the value', body: bytes('{"a":1}', [0x00]), expected: unexpected('0x00', 7) },
  { name: 'a lone NUL byte', body: Buffer.from([0x00]), expected: unexpected('0x00', 0) },
  { name: 'a raw line feed inside a string', body: text('{"a":"x\ny"}'), expected: unexpected('0x0a', 7) },
  {
    name: 'JSON over several lines',
    body: text('{\n  "a": 1,\n  "b": [1, 2]\n}\n'),
    expected: { ends: 'raw', lineBody: '{"a":1,"b":[1,2]}' },
  },
  { name: 'duplicate keys', body: text('{"a":1,"a":2}'), expected: SEALED },
  { name: 'a line separator inside a string', body: text('{"a":"x\u2028y"}'), expected: SEALED },
  { name: 'an escaped lone surrogate', body: text('{"a":"\\ud800"}'), expected: SEALED },
];

/** Header names and keys shaped like paths: they must stay values, never parts of object names. */
interface HeaderCase {
  readonly name: string;
  /** Platforms whose event shape can carry these headers and key. */
  readonly platforms: readonly PlatformName[];
  readonly key: Buffer | null;
  readonly headers: readonly { readonly name: string; readonly value: Buffer }[];
  /** The envelope's `key` and `headers` (values as text, or base64 when not UTF-8). */
  readonly expectedKey: unknown;
  readonly expectedHeaders: readonly unknown[];
}

const LONG_NAME = 'n'.repeat(10_000);
const PATH_LIKE_NAMES = ['../../x', '/etc/passwd', 'a/b', '%2e%2e', '\\', '..\\..\\windows', '', LONG_NAME];

export const HEADER_CASES: readonly HeaderCase[] = [
  {
    name: 'path-like header names and key',
    platforms: ['eventhub', 'azure-kafka', 'lambda-kafka'],
    key: text('../../keys/%2e%2e/\\'),
    headers: [
      ...PATH_LIKE_NAMES.map((name, index) => ({ name, value: text(`value ${index}`) })),
      { name: 'nul\u0000inside', value: Buffer.from([0x00]) },
      { name: '\ud800', value: text('a lone surrogate names this header') },
      { name: 'binary', value: Buffer.from([0xff, 0xfe, 0x00]) },
      { name: 'empty', value: Buffer.alloc(0) },
    ],
    expectedKey: '../../keys/%2e%2e/\\',
    expectedHeaders: [
      ...PATH_LIKE_NAMES.map((name, index) => ({ name, value: `value ${index}` })),
      { name: 'nul\u0000inside', value: '\u0000' },
      { name: '\ud800', value: 'a lone surrogate names this header' },
      { name: 'binary', value: { base64: '//4A' } },
      { name: 'empty', value: '' },
    ],
  },
  {
    name: 'an empty key',
    platforms: ['eventhub', 'azure-kafka', 'lambda-kafka'],
    key: Buffer.alloc(0),
    headers: [],
    expectedKey: '',
    expectedHeaders: [],
  },
  {
    name: 'a very long key',
    platforms: ['eventhub', 'azure-kafka', 'lambda-kafka'],
    key: text('k'.repeat(10_000)),
    headers: [],
    expectedKey: 'k'.repeat(10_000),
    expectedHeaders: [],
  },
  {
    // Kafka headers are a list, so a name may repeat; Event Hubs properties are a map.
    name: 'a header named __proto__ and a repeated name',
    platforms: ['azure-kafka', 'lambda-kafka'],
    key: null,
    headers: [
      { name: '__proto__', value: text('polluted?') },
      { name: 'source', value: text('checkout') },
      { name: 'source', value: text('retry') },
    ],
    expectedKey: null,
    expectedHeaders: [
      { name: '__proto__', value: 'polluted?' },
      { name: 'source', value: 'checkout' },
      { name: 'source', value: 'retry' },
    ],
  },
  {
    // Only the Lambda event carries key bytes; the Azure triggers hand keys over as text.
    name: 'a key that is not UTF-8',
    platforms: ['lambda-kafka'],
    key: Buffer.from([0x00, 0xff, 0x2f, 0x2e, 0x2e]),
    headers: [],
    expectedKey: { base64: 'AP8vLi4=' },
    expectedHeaders: [],
  },
];

/** What a broker time resolves to: the record's own time, or the time it arrived. */
type PlacedAt = 'arrival' | number;

interface BrokerTimeCase {
  readonly name: string;
  /** The time as each platform writes it. */
  readonly raw: Readonly<Record<PlatformName, unknown>>;
  readonly placedAt: PlacedAt;
}

const same = (value: unknown) => ({ eventhub: value, 'azure-kafka': value, 'lambda-kafka': value });

/** Arrival of the broker time runs; the future cases are measured from it. */
export const ARRIVAL = Date.UTC(2026, 10, 21, 12, 0, 10);

export const BROKER_TIME_CASES: readonly BrokerTimeCase[] = [
  {
    name: 'year 1 (.NET DateTime.MinValue)',
    raw: {
      eventhub: '0001-01-01T00:00:00',
      'azure-kafka': '0001-01-01T00:00:00',
      'lambda-kafka': -62135596800000,
    },
    placedAt: 'arrival',
  },
  {
    name: 'the epoch',
    raw: { eventhub: '1970-01-01T00:00:00', 'azure-kafka': '1970-01-01T00:00:00Z', 'lambda-kafka': 0 },
    placedAt: 0,
  },
  {
    name: 'before the epoch (-1, a producer that set none)',
    raw: { eventhub: '1969-12-31T23:59:59', 'azure-kafka': -1, 'lambda-kafka': -1 },
    placedAt: 'arrival',
  },
  {
    name: 'four minutes ahead of arrival',
    raw: {
      eventhub: '2026-11-21T12:04:10',
      'azure-kafka': '2026-11-21T12:04:10Z',
      'lambda-kafka': ARRIVAL + 240_000,
    },
    placedAt: ARRIVAL + 240_000,
  },
  {
    name: 'six minutes ahead of arrival',
    raw: {
      eventhub: '2026-11-21T12:06:10',
      'azure-kafka': '2026-11-21T12:06:10Z',
      'lambda-kafka': ARRIVAL + 360_000,
    },
    placedAt: 'arrival',
  },
  {
    name: 'year 9999 (.NET DateTime.MaxValue)',
    raw: {
      eventhub: '9999-12-31T23:59:59.9999999',
      'azure-kafka': '9999-12-31T23:59:59.9999999',
      'lambda-kafka': 253402300799999,
    },
    placedAt: 'arrival',
  },
  {
    name: "beyond the range of JavaScript's Date",
    raw: {
      eventhub: '275760-09-13T00:00:00.001',
      'azure-kafka': '275760-09-13T00:00:00.001Z',
      'lambda-kafka': 8.64e15 + 1,
    },
    placedAt: 'arrival',
  },
  { name: 'missing', raw: same(MISSING), placedAt: 'arrival' },
  { name: 'null', raw: same(null), placedAt: 'arrival' },
  { name: 'text that is not a date', raw: same('soon'), placedAt: 'arrival' },
  { name: 'a number as text', raw: same('1795262400000'), placedAt: 'arrival' },
  { name: 'an object', raw: same({ ticks: 638_000_000_000_000_000 }), placedAt: 'arrival' },
];

interface BodyTimeCase {
  readonly name: string;
  /** The body; its `meta.at` is the topic's time field. */
  readonly body: Buffer;
  /** The record's minute comes from the body, or from broker time (and is counted as a fallback). */
  readonly placedAt: 'broker' | number;
}

const withTime = (at: unknown) => text(JSON.stringify({ order: 1, meta: { at } }));
const BODY_MINUTE = Date.UTC(2026, 10, 21, 11, 58, 30);

export const BODY_TIME_CASES: readonly BodyTimeCase[] = [
  { name: 'an ISO time with Z', body: withTime('2026-11-21T11:58:30Z'), placedAt: BODY_MINUTE },
  { name: 'an ISO time with an offset', body: withTime('2026-11-21T12:58:30+01:00'), placedAt: BODY_MINUTE },
  { name: 'an ISO time without a zone (UTC)', body: withTime('2026-11-21T11:58:30'), placedAt: BODY_MINUTE },
  { name: 'epoch milliseconds', body: withTime(BODY_MINUTE), placedAt: BODY_MINUTE },
  { name: 'the epoch', body: withTime(0), placedAt: 0 },
  { name: 'the epoch as text', body: withTime('1970-01-01T00:00:00Z'), placedAt: 0 },
  { name: 'year 1', body: withTime('0001-01-01T00:00:00Z'), placedAt: 'broker' },
  { name: 'before the epoch', body: withTime('1969-12-31T23:59:59Z'), placedAt: 'broker' },
  { name: 'a negative number', body: withTime(-1), placedAt: 'broker' },
  { name: 'year 9999', body: withTime('9999-12-31T23:59:59Z'), placedAt: 'broker' },
  { name: 'after year 9999', body: withTime(253402300800000), placedAt: 'broker' },
  {
    name: "beyond the range of JavaScript's Date",
    body: withTime('+275760-09-13T00:00:00.001Z'),
    placedAt: 'broker',
  },
  { name: 'a number beyond any date', body: withTime(1e300), placedAt: 'broker' },
  { name: 'missing', body: text('{"order":1,"meta":{}}'), placedAt: 'broker' },
  { name: 'null', body: withTime(null), placedAt: 'broker' },
  { name: 'text that is not a date', body: withTime('yesterday'), placedAt: 'broker' },
  // Date.parse reads these as December 2001 and February 2001.
  { name: 'a small number as text', body: withTime('12'), placedAt: 'broker' },
  { name: 'words with a number', body: withTime('version 2'), placedAt: 'broker' },
  { name: 'epoch milliseconds as text', body: withTime(String(BODY_MINUTE)), placedAt: 'broker' },
  {
    name: 'an HTTP date (not ISO 8601)',
    body: withTime('Sat, 21 Nov 2026 11:58:30 GMT'),
    placedAt: 'broker',
  },
  { name: 'the 31st of February', body: withTime('2026-02-31T00:00:00Z'), placedAt: 'broker' },
  { name: 'a boolean', body: withTime(true), placedAt: 'broker' },
  { name: 'an object', body: withTime({ seconds: 1 }), placedAt: 'broker' },
  { name: 'a body that is a string', body: text('"2026-11-21T11:58:30Z"'), placedAt: 'broker' },
  { name: 'a body that is an array', body: text('[{"meta":{"at":0}}]'), placedAt: 'broker' },
];
