import { z } from 'zod';
import { TriggerShapeError } from '../errors.js';
import type { CaptureRecord, RecordHeader } from '../record.js';
import { everyEntry, isArrayOrAbsent, isPlainObject } from './shapeChecks.js';
import { brokerTimeOf, decodeBase64, describe, partitionIdOf, positionOf } from './triggerValues.js';

/**
 * AWS Lambda Kafka event source mappings: Amazon MSK (`eventSource: 'aws:kafka'`) and self-managed
 * Apache Kafka (`'SelfManagedKafka'`; some published samples spell it `'aws:SelfManagedKafka'`).
 * `records` maps `"<topic>-<partition>"` to that partition's records in offset order; `key` and
 * `value` are base64 (absent when null), and `headers` is a list of single-entry objects whose value
 * is the header's bytes as a JSON array of numbers, signed as Java bytes are (-128 to 127).
 */

const EVENT_SOURCES = ['aws:kafka', 'SelfManagedKafka', 'aws:SelfManagedKafka'] as const;

/** A header's value: Java's signed bytes (or unsigned ones), as a JSON array of integers. */
function isHeaderBytes(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    everyEntry(
      value,
      (byte) => typeof byte === 'number' && Number.isInteger(byte) && byte >= -128 && byte <= 255,
    )
  );
}

const kafkaRecordSchema = z.object({
  topic: z.string(),
  partition: z.union([z.number(), z.string()]),
  offset: z.union([z.number(), z.string()]),
  // Any value or none: a time the adapter cannot read is NaN (see brokerTimeOf), not a rejected batch.
  timestamp: z.unknown().optional(),
  timestampType: z.string().optional(),
  key: z.string().nullish(),
  value: z.string().nullish(),
  // Read by headersOf: a zod record rebuilds each entry by assignment, which drops a header named
  // "__proto__" and would then reject the whole batch for a name any producer may send.
  headers: z.array(z.unknown()).nullish(),
});

const kafkaEventSchema = z.object({
  eventSource: z.enum(EVENT_SOURCES),
  eventSourceArn: z.string().optional(),
  bootstrapServers: z.string().optional(),
  records: z.record(z.string(), z.array(kafkaRecordSchema)),
});

type LambdaKafkaRecord = z.infer<typeof kafkaRecordSchema>;

const MAPPING_HINT = 'the function expects the event of an MSK or self-managed Kafka event source mapping';

/**
 * Turns one Lambda Kafka invocation (records of any partitions of one topic) into capture records.
 *
 * `position` is the Kafka offset and `offset` its decimal text; `partition` the partition number as
 * text; `brokerTime` the record timestamp (NaN when the producer set none, -1); `key` the decoded key
 * bytes (null when there is none); `headers` each header's bytes, turned from signed to unsigned;
 * `body` the decoded value, empty for a tombstone. Bytes are kept exactly: unlike the Azure Kafka
 * trigger, nothing is decoded as text on the way. `deliveredTopic` is the record's `topic`, which
 * the pipeline checks against the configured `topic`.
 *
 * @param topic the configured capture topic
 * @param event the handler's event
 * @throws TriggerShapeError when the event is not a Lambda Kafka event or a coordinate is unusable
 *   (partition id, negative or unsafe offset, invalid base64, header bytes out of range)
 */
export function lambdaKafkaEventToRecords(topic: string, event: unknown): CaptureRecord[] {
  const where = `Kafka event for topic '${topic}'`;
  const byBatchKey = isKafkaEvent(event) ? event.records : parseEvent(where, event).records;
  return Object.entries(byBatchKey).flatMap(([batchKey, records]) =>
    records.map((record, index) =>
      toCaptureRecord(topic, record, () => `${where}: records["${batchKey}"][${index}]`),
    ),
  );
}

/** The schema's shape, checked without copying (see `shapeChecks.ts`); false sends the event to zod. */
function isKafkaEvent(value: unknown): value is z.infer<typeof kafkaEventSchema> {
  if (!isPlainObject(value) || !isPlainObject(value.records)) return false;
  return (
    (EVENT_SOURCES as readonly unknown[]).includes(value.eventSource) &&
    isOptionalString(value.eventSourceArn) &&
    isOptionalString(value.bootstrapServers) &&
    Object.values(value.records).every(
      (records) => Array.isArray(records) && everyEntry(records, isKafkaRecord),
    )
  );
}

// Declared once here, not inside the checks they serve: those run for every record of a batch.
/** zod's z.number() refuses NaN and the infinities. */
const isNumberOrString = (field: unknown) =>
  (typeof field === 'number' && Number.isFinite(field)) || typeof field === 'string';
const isOptionalString = (field: unknown) => field === undefined || typeof field === 'string';
const isStringOrNothing = (field: unknown) => field == null || typeof field === 'string';

function isKafkaRecord(value: unknown): value is LambdaKafkaRecord {
  if (!isPlainObject(value)) return false;
  return (
    typeof value.topic === 'string' &&
    isNumberOrString(value.partition) &&
    isNumberOrString(value.offset) &&
    (value.timestampType === undefined || typeof value.timestampType === 'string') &&
    isStringOrNothing(value.key) &&
    isStringOrNothing(value.value) &&
    (value.headers === null || isArrayOrAbsent(value.headers))
  );
}

/** The schema's parse, run when the quick check fails: its data if it accepts, else what is wrong. */
function parseEvent(where: string, event: unknown): z.infer<typeof kafkaEventSchema> {
  const parsed = kafkaEventSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  throw new TriggerShapeError(
    `${where} is ${describe(event)} but not a Lambda Kafka event (${MAPPING_HINT}):\n${z.prettifyError(parsed.error)}`,
    { cause: parsed.error },
  );
}

function toCaptureRecord(topic: string, record: LambdaKafkaRecord, where: () => string): CaptureRecord {
  const position = positionOf(record.offset, () => `${where()}.offset`);
  return {
    topic,
    deliveredTopic: record.topic,
    partition: partitionIdOf(record.partition, () => `${where()}.partition`),
    position,
    offset: String(position),
    brokerTime: brokerTimeOf(record.timestamp),
    key: record.key == null ? null : decodeBase64(record.key, () => `${where()}.key`),
    headers: headersOf(record, where),
    systemProperties: {},
    body: record.value == null ? Buffer.alloc(0) : decodeBase64(record.value, () => `${where()}.value`),
  };
}

/**
 * Each list entry is one header; a name may repeat, as Kafka allows, and order is kept. Names are
 * the entry's own keys as the runtime parsed them, whatever they spell.
 */
function headersOf(record: LambdaKafkaRecord, where: () => string): RecordHeader[] {
  return (record.headers ?? []).map((entry, index) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new TriggerShapeError(
        `${where()}.headers[${index}] is ${describe(entry)}, not an object of one header`,
      );
    }
    const pairs = Object.entries(entry);
    const [pair] = pairs;
    if (pair === undefined || pairs.length !== 1) {
      throw new TriggerShapeError(`${where()}.headers[${index}] has ${pairs.length} names, not one`);
    }
    const [name, bytes] = pair;
    if (!isHeaderBytes(bytes)) {
      throw new TriggerShapeError(
        `${where()}.headers[${index}] holds ${describe(bytes)}, not an array of bytes (-128 to 255)`,
      );
    }
    return { name, value: unsignedBytes(bytes) };
  });
}

/** Java's signed bytes as the bytes they stand for, without the array `map` would build first. */
function unsignedBytes(bytes: readonly number[]): Buffer {
  const value = Buffer.allocUnsafe(bytes.length);
  for (let index = 0; index < bytes.length; index++) value[index] = (bytes[index] as number) & 0xff;
  return value;
}
