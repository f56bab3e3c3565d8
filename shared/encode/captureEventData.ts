import { isUtf8 } from 'node:buffer';
import type { CaptureRecord } from '../record.js';
import { AvroWriter } from './avroBinary.js';

/**
 * Event Hubs Capture's schema, character for character as the `avro.schema` of Capture's files
 * (record `Microsoft.ServiceBus.Messaging.EventData`; sources in samples/events/SOURCES.md). Readers
 * that compare schemas as text, or hard-code this one, accept our files unchanged.
 */
export const CAPTURE_SCHEMA_JSON =
  '{"type":"record","name":"EventData","namespace":"Microsoft.ServiceBus.Messaging","fields":[' +
  '{"name":"SequenceNumber","type":"long"},{"name":"Offset","type":"string"},' +
  '{"name":"EnqueuedTimeUtc","type":"string"},' +
  '{"name":"SystemProperties","type":{"type":"map","values":["long","double","string","bytes"]}},' +
  '{"name":"Properties","type":{"type":"map","values":["long","double","string","bytes","null"]}},' +
  '{"name":"Body","type":["null","bytes"]}]}';

/** Branch indexes of the unions above. */
const SYSTEM_VALUE = { long: 0, double: 1, string: 2, bytes: 3 } as const;
const PROPERTY_VALUE = { ...SYSTEM_VALUE, null: 4 } as const;
const BODY_BYTES = 1;

/**
 * System properties the Functions host adds beside the AMQP annotations (the Node.js library
 * lower-cases their first letter), and the annotations Capture keeps in fields of their own or that
 * are written from the record's coordinates below: none of them is copied as delivered.
 */
const NOT_COPIED = new Set([
  'sequenceNumber',
  'offset',
  'offsetString',
  'partitionKey',
  'enqueuedTimeUtc',
  'x-opt-sequence-number',
  'x-opt-offset',
  'x-opt-enqueued-time',
  'x-opt-partition-key',
]);

type SystemValue = { branch: keyof typeof SYSTEM_VALUE; value: number | string | Buffer };
type PropertyValue = SystemValue | { branch: 'null'; value: null };

/**
 * `EnqueuedTimeUtc` as Capture writes it: .NET's `DateTime.ToString()` under en-US, `M/d/yyyy
 * h:mm:ss tt`, UTC, whole seconds (e.g. `12/2/2021 2:58:24 PM`). The milliseconds are in the
 * `x-opt-enqueued-time` system property, as in Capture's files.
 */
export function captureEnqueuedTime(epochMs: number): string {
  const time = new Date(epochMs);
  const hours = time.getUTCHours();
  const twoDigits = (value: number) => String(value).padStart(2, '0');
  return (
    `${time.getUTCMonth() + 1}/${time.getUTCDate()}/${String(time.getUTCFullYear()).padStart(4, '0')} ` +
    `${hours % 12 === 0 ? 12 : hours % 12}:${twoDigits(time.getUTCMinutes())}:${twoDigits(time.getUTCSeconds())} ` +
    `${hours < 12 ? 'AM' : 'PM'}`
  );
}

const CAPTURE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([AP]M)$/;

/**
 * Epoch milliseconds of an `EnqueuedTimeUtc` as {@link captureEnqueuedTime} writes it, or NaN for
 * any other text.
 *
 * @example parseCaptureEnqueuedTime('12/2/2021 2:58:24 PM') // 1638457104000
 */
export function parseCaptureEnqueuedTime(text: string): number {
  const match = CAPTURE_TIME.exec(text);
  if (match === null) return Number.NaN;
  const [month = 0, day = 0, year = 0, hour12 = 0, minute = 0, second = 0] = match.slice(1, 7).map(Number);
  const time = new Date(0);
  // setUTCFullYear, not Date.UTC, which would read the years 0 to 99 as 1900 to 1999.
  time.setUTCFullYear(year, month - 1, day);
  time.setUTCHours((hour12 % 12) + (match[7] === 'PM' ? 12 : 0), minute, second, 0);
  const written = hour12 >= 1 && hour12 <= 12 && minute < 60 && second < 60;
  // A date that rolled over (2/30) is not one Capture wrote.
  return written && time.getUTCMonth() === month - 1 && time.getUTCDate() === day
    ? time.getTime()
    : Number.NaN;
}

/**
 * One record as a Capture `EventData` datum, in two pieces: every field up to the body's length, then
 * the body itself (not copied).
 *
 * - `SequenceNumber`: the record's position (Event Hubs sequence number, Kafka offset).
 * - `Offset`: the offset as the platform gave it (Event Hubs offset, Kafka offset as text).
 * - `EnqueuedTimeUtc`: broker time, see {@link captureEnqueuedTime}.
 * - `SystemProperties`: `x-opt-partition-key` (the Event Hubs partition key, or the Kafka key: a
 *   string when it is UTF-8, else bytes) and `x-opt-enqueued-time` (epoch milliseconds, long), then
 *   the other AMQP annotations the trigger delivered (`x-opt-publisher`, `iothub-*`).
 * - `Properties`: the application properties or Kafka headers; see {@link headerEntries}.
 * - `Body`: the bytes as they came.
 */
export function eventDataChunks(record: CaptureRecord): [Buffer, Buffer] {
  const writer = new AvroWriter(128)
    .long(record.position)
    .string(record.offset)
    .string(captureEnqueuedTime(record.brokerTime));
  writer.map(systemEntries(record), writeUnion(SYSTEM_VALUE));
  writer.map(headerEntries(record), writeUnion(PROPERTY_VALUE));
  writer.long(BODY_BYTES).long(record.body.length);
  return [Buffer.from(writer.bytesWritten()), record.body];
}

function systemEntries(record: CaptureRecord): [string, SystemValue][] {
  const entries: [string, SystemValue][] = [];
  if (record.key !== null) {
    entries.push([
      'x-opt-partition-key',
      isUtf8(record.key)
        ? { branch: 'string', value: record.key.toString('utf8') }
        : { branch: 'bytes', value: record.key },
    ]);
  }
  entries.push(['x-opt-enqueued-time', { branch: 'long', value: record.brokerTime }]);
  for (const [name, value] of Object.entries(record.systemProperties)) {
    if (NOT_COPIED.has(name) || value === null || value === undefined) continue;
    entries.push([name, systemValueOf(value)]);
  }
  return entries;
}

/**
 * Application properties and Kafka headers, in delivery order. A map holds a name once, and Kafka
 * allows a header name several times: the second `trace` is kept as `trace#2` (the first free such
 * name), so no header is lost to a reader that builds a dictionary.
 */
function headerEntries(record: CaptureRecord): [string, PropertyValue][] {
  const taken = new Set<string>();
  return record.headers.map((header) => {
    let name = header.name;
    for (let occurrence = 2; taken.has(name); occurrence++) name = `${header.name}#${occurrence}`;
    taken.add(name);
    return [name, header.value === null ? { branch: 'null', value: null } : systemValueOf(header.value)];
  });
}

/**
 * Capture's unions have no boolean: a boolean is written the way .NET prints it (`True`, `False`).
 * Anything structured becomes its JSON text, so no value is dropped.
 */
function systemValueOf(value: unknown): SystemValue {
  if (Buffer.isBuffer(value)) return { branch: 'bytes', value };
  if (typeof value === 'string') return { branch: 'string', value };
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { branch: 'long', value };
  if (typeof value === 'number') return { branch: 'double', value };
  if (typeof value === 'boolean') return { branch: 'string', value: value ? 'True' : 'False' };
  return { branch: 'string', value: JSON.stringify(value) ?? String(value) };
}

function writeUnion<Branches extends Record<string, number>>(branches: Branches) {
  return (writer: AvroWriter, { branch, value }: PropertyValue) => {
    writer.long(branches[branch] as number);
    if (branch === 'long') writer.long(value as number);
    else if (branch === 'double') writer.double(value as number);
    else if (branch === 'string') writer.string(value as string);
    else if (branch === 'bytes') writer.bytes(value as Buffer);
  };
}
