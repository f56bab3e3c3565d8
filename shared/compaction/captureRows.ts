import { isUtf8 } from 'node:buffer';
import { parseCaptureEnqueuedTime } from '../encode/captureEventData.js';
import { type EventDataRecord, openCaptureContainer, type PropertyValue } from '../encode/captureReader.js';
import { bytesAsJson } from '../encode/jsonValue.js';
import { CaptureError } from '../errors.js';
import { parseExactJson } from '../exactJson.js';
import { generationInPath } from '../paths/layoutPath.js';
import { addBody, ENVELOPE_COLUMNS, type RawRow } from './rows.js';

/** System properties with columns of their own, not repeated in `_system_properties`. */
const PARTITION_KEY = 'x-opt-partition-key';
const ENQUEUED_TIME = 'x-opt-enqueued-time';

/** Where each column from Capture's fields comes from, as the schema file reports it. */
const SOURCES = {
  key: `SystemProperties.${PARTITION_KEY}`,
  headers: 'Properties',
  systemProperties: 'SystemProperties',
  bodyText: 'Body, not JSON: its UTF-8 text',
  bodyBase64: 'Body, neither JSON nor UTF-8: its bytes in base64',
} as const satisfies Record<keyof typeof ENVELOPE_COLUMNS, string>;

/**
 * The rows of one `avro-capture` raw object, block by block, with the columns a JSON-lines envelope
 * gives, so both formats compact to the same shape:
 *
 * - `_position`: `SequenceNumber`, the position the pipeline ordered and named the partition's
 *   objects by (Event Hubs sequence number, Kafka offset); `_offset`: `Offset` as written (the Event
 *   Hubs offset, or the Kafka offset as text).
 * - `_generation`: the generation the object's name carries (0 without one).
 * - `_timestamp`: the `x-opt-enqueued-time` system property (epoch ms), or else `EnqueuedTimeUtc`
 *   (whole seconds).
 * - `_key`: `x-opt-partition-key` (the partition key, or the Kafka key): text, or `{"base64": …}` for
 *   bytes that are not UTF-8; null when absent.
 * - `_headers`: `Properties` as `[{ name, value }]` in file order, bytes as text or `{"base64": …}`.
 * - `_system_properties`: the other system properties, when there are any.
 * - The body: a JSON object's fields become columns, any other JSON value is `_body`; a body that is
 *   not JSON is kept as `_body_text` when it is UTF-8 and `_body_base64` otherwise, empty ones
 *   included. A null `Body` (Capture's union allows one; we never write it) gives none of these.
 *
 * `countBytes` hears each datum's uncompressed size as it is read.
 */
export function* rowsOfCaptureObject(
  bytes: Buffer,
  objectPath: string,
  partition: string,
  countBytes: (bytes: number) => void,
): Generator<RawRow> {
  const generation = generationInPath(objectPath);
  for (const block of openCaptureContainer(bytes, objectPath).blocks()) {
    for (const { record, datumBytes } of block) {
      countBytes(datumBytes);
      yield {
        ...rowOf(record, objectPath, partition, generation),
        position: record.SequenceNumber,
        lineBytes: datumBytes,
      };
    }
  }
}

function rowOf(
  record: EventDataRecord,
  objectPath: string,
  partition: string,
  generation: number,
): Pick<RawRow, 'row' | 'sources'> {
  const system = new Map(record.SystemProperties);
  const enqueued = system.get(ENQUEUED_TIME);
  const timestamp =
    typeof enqueued === 'number' ? enqueued : parseCaptureEnqueuedTime(record.EnqueuedTimeUtc);
  if (Number.isNaN(timestamp)) {
    throw new CaptureError(
      `${objectPath}: the record at SequenceNumber ${record.SequenceNumber} has no ${ENQUEUED_TIME} and an EnqueuedTimeUtc of ${JSON.stringify(record.EnqueuedTimeUtc)}, not Capture's M/d/yyyy h:mm:ss tt: the raw object is damaged`,
      { retriable: false },
    );
  }
  const key = system.get(PARTITION_KEY);
  const row: Record<string, unknown> = {
    _partition: partition,
    _generation: generation,
    _offset: record.Offset,
    _position: record.SequenceNumber,
    _timestamp: timestamp,
    [ENVELOPE_COLUMNS.key]: key === undefined ? null : jsonOf(key),
    [ENVELOPE_COLUMNS.headers]: record.Properties.map(([name, value]) => ({ name, value: jsonOf(value) })),
  };
  const sources: Record<string, string> = {
    [ENVELOPE_COLUMNS.key]: SOURCES.key,
    [ENVELOPE_COLUMNS.headers]: SOURCES.headers,
  };
  const others = record.SystemProperties.filter(
    ([name]) => name !== PARTITION_KEY && !(name === ENQUEUED_TIME && typeof enqueued === 'number'),
  );
  if (others.length > 0) {
    row[ENVELOPE_COLUMNS.systemProperties] = Object.fromEntries(
      others.map(([name, value]) => [name, jsonOf(value)]),
    );
    sources[ENVELOPE_COLUMNS.systemProperties] = SOURCES.systemProperties;
  }
  if (record.Body !== null) addCaptureBody(row, sources, record.Body);
  return { row, sources };
}

/** A JSON body spreads as JSON lines' bodies do; anything else is kept whole, as text or base64. */
function addCaptureBody(row: Record<string, unknown>, sources: Record<string, string>, body: Buffer): void {
  if (isUtf8(body)) {
    const text = body.toString('utf8');
    let value: unknown;
    try {
      value = parseExactJson(text);
    } catch {
      row[ENVELOPE_COLUMNS.bodyText] = text;
      sources[ENVELOPE_COLUMNS.bodyText] = SOURCES.bodyText;
      return;
    }
    addBody(row, sources, value);
    return;
  }
  row[ENVELOPE_COLUMNS.bodyBase64] = body.toString('base64');
  sources[ENVELOPE_COLUMNS.bodyBase64] = SOURCES.bodyBase64;
}

function jsonOf(value: PropertyValue): unknown {
  return Buffer.isBuffer(value) ? bytesAsJson(value) : value;
}
