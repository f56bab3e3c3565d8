import { z } from 'zod';
import { TriggerShapeError } from '../errors.js';
import type { CaptureRecord, RecordHeader } from '../record.js';
import { binaryKafkaBatchToRecords, isBinaryKafkaBatch } from './azureKafkaBinary.js';
import {
  brokerTimeOf,
  decodeBase64,
  describe,
  keyBytesOf,
  partitionIdOf,
  positionOf,
} from './triggerValues.js';

/**
 * Azure Functions Kafka trigger (registered through `app.generic` with `type: 'kafkaTrigger'` and
 * `cardinality: 'many'`). The function registers it with `dataType: 'binary'`, which keeps values
 * byte for byte (see `azureKafkaBinary.ts`). A trigger registered with `dataType: 'string'` (before
 * this product read bytes, or a replayed event file) gets each record as KafkaEventData JSON
 * (`Offset`, `Partition`, `Topic`, `Timestamp`, `Key`, `Value`, `Headers[{ Key, Value }]` with
 * header values base64), which the Node.js v4 library JSON-parses, so the handler receives objects;
 * the raw strings (programming model v3) are accepted too.
 */

const REGISTRATION_HINT =
  "register the kafkaTrigger with cardinality: 'many' and dataType: 'binary' (or 'string'), without avroSchema";

const kafkaEventSchema = z.object({
  Offset: z.unknown(),
  Partition: z.unknown(),
  Topic: z.string().optional(),
  // Any value or none: a time the adapter cannot read is NaN (see brokerTimeOf), not a rejected batch.
  Timestamp: z.unknown().optional(),
  // Absent from events of extensions that bind KafkaEventData<TValue> (no key); null when unkeyed.
  Key: z.unknown().optional(),
  // The extension has already decoded the value as UTF-8; null is a tombstone.
  Value: z.string().nullable(),
  Headers: z.array(z.object({ Key: z.string(), Value: z.string().nullable() })).nullish(),
});

type KafkaEvent = z.infer<typeof kafkaEventSchema>;

/**
 * Turns one Kafka trigger invocation (records of any partitions of one topic) into capture records.
 * Bare values (`dataType: 'binary'`) are read with `triggerMetadata`; KafkaEventData (`'string'`)
 * carries its coordinates itself.
 *
 * `position` is the Kafka offset and `offset` its decimal text; `partition` the partition number as
 * text; `brokerTime` the record timestamp (ISO 8601 or epoch milliseconds); `key` the UTF-8 bytes of
 * the key (null when there is none); `headers` the record headers with their values base64-decoded
 * to bytes; `body` the UTF-8 bytes of the value, empty for a tombstone. `deliveredTopic` is the
 * event's `Topic`, which the pipeline checks against the configured `topic`.
 *
 * In string mode values and keys reach us as text: the extension has already replaced bytes that are
 * not UTF-8 with U+FFFD, so only text payloads (JSON, CSV, logs) survive byte for byte.
 *
 * @param topic the configured capture topic
 * @param events the handler's first argument
 * @param triggerMetadata `context.triggerMetadata`, which holds the coordinates in binary mode
 * @throws TriggerShapeError when the batch is not an array of KafkaEventData (objects or JSON text)
 *   or a coordinate is unusable (partition id, negative or unsafe offset, timestamp, header base64)
 */
export function azureKafkaBatchToRecords(
  topic: string,
  events: unknown,
  triggerMetadata?: unknown,
): CaptureRecord[] {
  const where = `Kafka batch for topic '${topic}'`;
  if (!Array.isArray(events)) {
    throw new TriggerShapeError(
      `${where}: events is ${describe(events)}, not an array; ${REGISTRATION_HINT}`,
    );
  }
  if (isBinaryKafkaBatch(events)) return binaryKafkaBatchToRecords(topic, events, triggerMetadata, where);
  return events.map((raw, index) => {
    const eventWhere = `${where}: events[${index}]`;
    const event = parseEvent(raw, eventWhere);
    const position = positionOf(event.Offset, () => `${eventWhere}.Offset`);
    return {
      topic,
      ...(event.Topic === undefined ? {} : { deliveredTopic: event.Topic }),
      partition: partitionIdOf(event.Partition, () => `${eventWhere}.Partition`),
      position,
      offset: String(position),
      brokerTime: brokerTimeOf(event.Timestamp),
      key: keyBytesOf(event.Key),
      headers: headersOf(event, eventWhere),
      systemProperties: {},
      body: event.Value === null ? Buffer.alloc(0) : Buffer.from(event.Value, 'utf8'),
    };
  });
}

function parseEvent(raw: unknown, where: string): KafkaEvent {
  if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) {
    throw new TriggerShapeError(
      `${where} is ${describe(raw)}: the trigger delivers bare values; ${REGISTRATION_HINT}`,
    );
  }
  let candidate = raw;
  if (typeof raw === 'string') {
    try {
      candidate = JSON.parse(raw);
    } catch (error) {
      throw new TriggerShapeError(`${where} is text but not KafkaEventData JSON; ${REGISTRATION_HINT}`, {
        cause: error,
      });
    }
  }
  const parsed = kafkaEventSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new TriggerShapeError(
      `${where} is not KafkaEventData (${REGISTRATION_HINT}):\n${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function headersOf(event: KafkaEvent, where: string): RecordHeader[] {
  return (event.Headers ?? []).map((header, index) => ({
    name: header.Key,
    value:
      header.Value === null ? null : decodeBase64(header.Value, () => `${where}.Headers[${index}].Value`),
  }));
}
