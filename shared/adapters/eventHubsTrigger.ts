import { z } from 'zod';
import { TriggerShapeError } from '../errors.js';
import type { CaptureRecord, HeaderValue, RecordHeader } from '../record.js';
import { everyEntry, isArrayOrAbsent, isPlainObject } from './shapeChecks.js';
import { brokerTimeOf, describe, keyBytesOf, partitionIdOf, positionOf } from './triggerValues.js';

/**
 * Event Hubs trigger (Azure Functions Node.js v4) registered with `cardinality: 'many'` and
 * `dataType: 'binary'`: the handler gets one `Buffer` per event and `context.triggerMetadata` with
 * one array entry per event. The Node.js library lower-cases the first letter of every metadata key,
 * recursively, so the host's `SequenceNumberArray` arrives as `sequenceNumberArray` and a user
 * property `TenantId` as `tenantId`.
 */

const REGISTRATION_HINT = "register the trigger with cardinality: 'many' and dataType: 'binary'";

const objectOrNull = z.record(z.string(), z.unknown()).nullable();

const metadataSchema = z.object({
  partitionContext: z.object({ partitionId: z.unknown() }),
  sequenceNumberArray: z.array(z.unknown()),
  enqueuedTimeUtcArray: z.array(z.unknown()),
  offsetArray: z.array(z.unknown()).optional(),
  // Extension 6.x: offsetArray holds -1 when an offset is not a long (geo-replicated namespaces);
  // the real, possibly opaque, offset is in offsetStringArray.
  offsetStringArray: z.array(z.unknown()).optional(),
  partitionKeyArray: z.array(z.unknown()).optional(),
  propertiesArray: z.array(objectOrNull).optional(),
  systemPropertiesArray: z.array(objectOrNull).optional(),
});

type EventHubsMetadata = z.infer<typeof metadataSchema>;

/**
 * Turns one Event Hubs trigger invocation (always a single partition) into capture records.
 *
 * Bodies are kept byte for byte when they arrive as `Buffer`/`Uint8Array`/`ArrayBuffer` (dataType
 * `binary`, the configured mode). Other modes are still converted deterministically, but lose bytes
 * before we see them: with dataType `string` the library JSON-parses every body, and the default JSON
 * binding fails on non-JSON bodies, so here a string becomes its UTF-8 bytes and any other value its
 * `JSON.stringify` text.
 *
 * Coordinates: `position` is the sequence number; `offset` is `offsetStringArray` (else `offsetArray`)
 * as text; `brokerTime` is the enqueued time (strings without a zone are UTC); `key` is the
 * partition key from the system properties (null-safe), else from `partitionKeyArray`. `headers` are
 * the application properties in delivery order with their names as delivered: the library has
 * lower-cased each name's first letter, so `TenantId` and `tenantId` cannot be told apart.
 *
 * @param topic the configured capture topic the records belong to
 * @param messages the handler's first argument
 * @param triggerMetadata `context.triggerMetadata`
 * @throws TriggerShapeError when the batch cannot be read (not an array, metadata missing, array
 *   lengths differ from the message count, a bad partition id or sequence number); an unusable
 *   enqueued time is not an error but NaN (see `brokerTimeOf`)
 */
export function eventHubsBatchToRecords(
  topic: string,
  messages: unknown,
  triggerMetadata: unknown,
): CaptureRecord[] {
  const where = `Event Hubs batch for topic '${topic}'`;
  if (!Array.isArray(messages)) {
    throw new TriggerShapeError(
      `${where}: messages is ${describe(messages)}, not an array; ${REGISTRATION_HINT}`,
    );
  }
  const metadata = isEventHubsMetadata(triggerMetadata)
    ? triggerMetadata
    : parseMetadata(where, triggerMetadata);
  const count = messages.length;
  const lengthMismatch = (name: string, length: number) =>
    new TriggerShapeError(
      `${where}: ${count} messages but ${name} has ${length} entries; check that the trigger uses ` +
        `cardinality: 'many' and dataType: 'binary' and that nothing rewrote triggerMetadata`,
    );
  const requireLength = (name: keyof EventHubsMetadata, array: readonly unknown[] | undefined) => {
    if (array !== undefined && array.length !== count) throw lengthMismatch(name, array.length);
  };
  requireLength('sequenceNumberArray', metadata.sequenceNumberArray);
  requireLength('enqueuedTimeUtcArray', metadata.enqueuedTimeUtcArray);
  requireLength('propertiesArray', metadata.propertiesArray);
  requireLength('systemPropertiesArray', metadata.systemPropertiesArray);
  requireLength('offsetStringArray', metadata.offsetStringArray);
  requireLength('offsetArray', metadata.offsetArray);
  const offsets = metadata.offsetStringArray
    ? { name: 'offsetStringArray', values: metadata.offsetStringArray }
    : metadata.offsetArray
      ? { name: 'offsetArray', values: metadata.offsetArray }
      : undefined;
  if (!offsets)
    throw new TriggerShapeError(`${where}: triggerMetadata has neither offsetStringArray nor offsetArray`);
  const partitionKeys = metadata.partitionKeyArray;
  // The system properties carry each key, null included. partitionKeyArray is only a fallback: the
  // host drops null keys from that string array (an unkeyed batch arrives as []), so only a
  // full-length array can be matched to messages by index.
  const partitionKeyOf = (systemProperties: Readonly<Record<string, unknown>>, index: number): unknown => {
    if ('partitionKey' in systemProperties) return systemProperties.partitionKey;
    if (partitionKeys === undefined || partitionKeys.length === 0) return null;
    if (partitionKeys.length !== count) throw lengthMismatch('partitionKeyArray', partitionKeys.length);
    return partitionKeys[index];
  };

  const partition = partitionIdOf(
    metadata.partitionContext.partitionId,
    () => `${where}: partitionContext.partitionId`,
  );
  return messages.map((message, index): CaptureRecord => {
    const systemProperties = metadata.systemPropertiesArray?.[index] ?? {};
    return {
      topic,
      partition,
      position: positionOf(
        metadata.sequenceNumberArray[index],
        () => `${where}: sequenceNumberArray[${index}]`,
      ),
      offset: offsetText(offsets.values[index], `${where}: ${offsets.name}[${index}]`),
      brokerTime: brokerTimeOf(metadata.enqueuedTimeUtcArray[index]),
      key: keyBytesOf(partitionKeyOf(systemProperties, index)),
      headers: headersOf(metadata.propertiesArray?.[index] ?? {}),
      systemProperties,
      body: bodyBytes(message, `${where}: messages[${index}]`),
    };
  });
}

/** The schema's shape, checked without copying (see `shapeChecks.ts`); false sends the batch to zod. */
function isEventHubsMetadata(value: unknown): value is EventHubsMetadata {
  if (!isPlainObject(value) || !isPlainObject(value.partitionContext)) return false;
  // zod's object requires the key, whatever its value; partitionIdOf judges the value.
  if (!('partitionId' in value.partitionContext)) return false;
  const entriesAreObjectsOrNull = (array: unknown[] | undefined) =>
    array === undefined || everyEntry(array, (entry) => entry === null || isPlainObject(entry));
  return (
    Array.isArray(value.sequenceNumberArray) &&
    Array.isArray(value.enqueuedTimeUtcArray) &&
    isArrayOrAbsent(value.offsetArray) &&
    isArrayOrAbsent(value.offsetStringArray) &&
    isArrayOrAbsent(value.partitionKeyArray) &&
    isArrayOrAbsent(value.propertiesArray) &&
    entriesAreObjectsOrNull(value.propertiesArray) &&
    isArrayOrAbsent(value.systemPropertiesArray) &&
    entriesAreObjectsOrNull(value.systemPropertiesArray)
  );
}

/** The schema's parse, run when the quick check fails: its data if it accepts, else what is wrong. */
function parseMetadata(where: string, triggerMetadata: unknown): EventHubsMetadata {
  const parsed = metadataSchema.safeParse(triggerMetadata);
  if (parsed.success) return parsed.data;
  throw new TriggerShapeError(
    `${where}: triggerMetadata is not the Event Hubs batch shape (${REGISTRATION_HINT}):\n${z.prettifyError(parsed.error)}`,
    { cause: parsed.error },
  );
}

/**
 * Offsets are opaque text. The library JSON-parses each entry of a string collection, so a numeric
 * offset arrives as a number; it is exact only while it is a safe integer.
 */
function offsetText(value: unknown, where: string): string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new TriggerShapeError(`${where} is ${describe(value)}, not an offset`);
}

function headersOf(properties: Readonly<Record<string, unknown>>): RecordHeader[] {
  return Object.entries(properties).map(([name, value]) => ({ name, value: headerValueOf(value) }));
}

/** AMQP scalars pass through; anything structured becomes its JSON text so no value is dropped. */
function headerValueOf(value: unknown): HeaderValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || Buffer.isBuffer(value)) {
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return JSON.stringify(value) ?? null;
}

function bodyBytes(message: unknown, where: string): Buffer {
  if (Buffer.isBuffer(message)) return message;
  if (message instanceof Uint8Array)
    return Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (message instanceof ArrayBuffer) return Buffer.from(message);
  if (typeof message === 'string') return Buffer.from(message, 'utf8');
  let json: string | undefined;
  try {
    json = JSON.stringify(message);
  } catch {
    // A bigint or a cycle: nothing the host can send, so the shape is wrong, not one record.
  }
  if (json === undefined) {
    throw new TriggerShapeError(`${where} is ${describe(message)}, not a message body; ${REGISTRATION_HINT}`);
  }
  return Buffer.from(json, 'utf8');
}
