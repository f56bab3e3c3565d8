import { z } from 'zod';
import { TriggerShapeError } from '../errors.js';
import type { CaptureRecord, RecordHeader } from '../record.js';
import { everyEntry, isArrayOrAbsent, isPlainObject } from './shapeChecks.js';
import {
  brokerTimeOf,
  decodeBase64,
  describe,
  keyBytesOf,
  partitionIdOf,
  positionOf,
} from './triggerValues.js';

/**
 * The Azure Functions Kafka trigger registered with `cardinality: 'many'` and `dataType: 'binary'`:
 * the handler gets each record's value as a `Buffer`, byte for byte (the extension binds the value
 * as `byte[]`, `KafkaEventDataConvertManager.ConvertToByteArray`), and the coordinates come as
 * trigger metadata arrays, one entry per record (`KafkaTriggerBindingStrategy.AddBindingData`):
 * `PartitionArray`, `OffsetArray`, `TimestampArray`, `TopicArray`, `KeyArray`, `HeadersArray`, which
 * the Node.js library hands over with the first letter lower-cased, keys of the header objects too.
 * Keys are the extension's UTF-8 text of the key bytes; header values base64 (JSON of `byte[]`).
 */
const metadataSchema = z.object({
  partitionArray: z.array(z.unknown()),
  offsetArray: z.array(z.unknown()),
  timestampArray: z.array(z.unknown()).optional(),
  keyArray: z.array(z.unknown()).optional(),
  headersArray: z.array(z.unknown()).optional(),
});

const headersSchema = z
  .array(z.object({ key: z.string(), value: z.string().nullable() }))
  .nullable()
  .optional();

const REGISTRATION_HINT = "register the kafkaTrigger with cardinality: 'many' and dataType: 'binary'";

/** True when the handler got bare values (`dataType: 'binary'`) rather than KafkaEventData objects. */
export function isBinaryKafkaBatch(events: readonly unknown[]): boolean {
  const [first] = events;
  return first === null || Buffer.isBuffer(first) || first instanceof Uint8Array;
}

/**
 * Turns one binary-mode Kafka trigger invocation into capture records: bodies byte for byte (a
 * tombstone, delivered as null, is an empty body), the rest from the metadata arrays.
 *
 * @throws TriggerShapeError when the metadata is missing, its arrays' lengths differ from the
 *   batch's, or a coordinate is unusable
 */
export function binaryKafkaBatchToRecords(
  topic: string,
  values: readonly unknown[],
  triggerMetadata: unknown,
  where: string,
): CaptureRecord[] {
  const metadata = isMetadata(triggerMetadata) ? triggerMetadata : parseMetadata(triggerMetadata, where);
  for (const [name, array] of Object.entries(metadata)) {
    if (array !== undefined && array.length !== values.length) {
      throw new TriggerShapeError(
        `${where}: ${values.length} values but ${name} has ${array.length} entries`,
      );
    }
  }
  return values.map((value, index) => {
    const position = positionOf(metadata.offsetArray[index], () => `${where}: offsetArray[${index}]`);
    return {
      topic,
      partition: partitionIdOf(metadata.partitionArray[index], () => `${where}: partitionArray[${index}]`),
      position,
      offset: String(position),
      brokerTime: brokerTimeOf(metadata.timestampArray?.[index]),
      key: keyBytesOf(metadata.keyArray?.[index]),
      headers: headersOf(metadata.headersArray?.[index], () => `${where}: headersArray[${index}]`),
      systemProperties: {},
      body: bodyOf(value, () => `${where}: events[${index}]`),
    };
  });
}

/** The schema's shape, checked without copying its arrays (see `shapeChecks.ts`); false sends it to zod. */
function isMetadata(value: unknown): value is z.infer<typeof metadataSchema> {
  return (
    isPlainObject(value) &&
    Array.isArray(value.partitionArray) &&
    Array.isArray(value.offsetArray) &&
    isArrayOrAbsent(value.timestampArray) &&
    isArrayOrAbsent(value.keyArray) &&
    isArrayOrAbsent(value.headersArray)
  );
}

function parseMetadata(triggerMetadata: unknown, where: string): z.infer<typeof metadataSchema> {
  const parsed = metadataSchema.safeParse(triggerMetadata);
  if (parsed.success) return parsed.data;
  throw new TriggerShapeError(
    `${where}: triggerMetadata lacks the Kafka trigger's arrays (${REGISTRATION_HINT}):\n${z.prettifyError(parsed.error)}`,
    { cause: parsed.error },
  );
}

function bodyOf(value: unknown, where: () => string): Buffer {
  if (value === null || value === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TriggerShapeError(`${where()} is ${describe(value)}, not a value's bytes; ${REGISTRATION_HINT}`);
}

/** A record's headers: the JSON of its `KafkaEventDataHeaders`, values base64. */
function headersOf(raw: unknown, where: () => string): RecordHeader[] {
  const text = typeof raw === 'string' ? safeJson(raw) : raw;
  const headers = isHeaderList(text) ? text : parseHeaders(raw, text, where);
  return (headers ?? []).map((header, index) => ({
    name: header.key,
    value: header.value === null ? null : decodeBase64(header.value, () => `${where()}[${index}].value`),
  }));
}

function parseHeaders(raw: unknown, text: unknown, where: () => string): z.infer<typeof headersSchema> {
  const parsed = headersSchema.safeParse(text);
  if (parsed.success) return parsed.data;
  throw new TriggerShapeError(`${where()} is ${describe(raw)}, not a list of headers`);
}

/** What `headersSchema` accepts, checked without copying; false sends the value to the schema. */
function isHeaderList(value: unknown): value is z.infer<typeof headersSchema> {
  return value == null || (Array.isArray(value) && everyEntry(value, isHeader));
}

// Declared once here, not inside the check: it runs for every header of every record.
const isHeader = (entry: unknown) =>
  isPlainObject(entry) &&
  typeof entry.key === 'string' &&
  (entry.value === null || typeof entry.value === 'string');

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
