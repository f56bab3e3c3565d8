import { vi } from 'vitest';
import { createIngestHandler } from '../../functions/aws/ingestHandler.js';
import { observabilityFor } from '../../functions/aws/observability.js';
import { createSealTimerHandler as createAwsSealTimerHandler } from '../../functions/aws/sealTimerHandler.js';
import { createEventhubIngestHandler } from '../../functions/azure/eventhubIngest.js';
import { createKafkaIngestHandler } from '../../functions/azure/kafkaIngest.js';
import { createSealTimerHandler as createAzureSealTimerHandler } from '../../functions/azure/sealTimer.js';
import { localLambdaContext } from '../../local/platforms/aws/lambdaContext.js';
import { eventHubsDelivery } from '../../local/platforms/azure/eventHubsDelivery.js';
import { localInvocation } from '../../local/platforms/azure/invocationContext.js';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import type { CaptureSummary } from '../../shared/pipeline/summary.js';

/** The three entry points the clouds call with a batch. */
export type PlatformName = 'eventhub' | 'azure-kafka' | 'lambda-kafka';
export const PLATFORM_NAMES: readonly PlatformName[] = ['eventhub', 'azure-kafka', 'lambda-kafka'];

/** Stands for a field the platform leaves out (or, in Event Hubs' metadata arrays, sends as null). */
export const MISSING = Symbol('missing');

/** A broker time exactly as one platform writes it, bypassing the conversion from epoch milliseconds. */
interface RawBrokerTime {
  readonly raw: unknown;
}

/** One record as a producer sent it; each platform turns it into its own event shape. */
export interface DeliveredRecord {
  readonly partition: number;
  readonly offset: number;
  readonly body: Buffer;
  readonly key?: Buffer | null;
  readonly headers?: readonly { readonly name: string; readonly value: Buffer }[];
  /** Epoch milliseconds, written the way the platform writes times, or a raw value as it is. */
  readonly brokerTime: number | RawBrokerTime;
}

/**
 * One cloud entry point, driven as the cloud drives it: the real exported handler, called with the
 * platform's own event shape, and the platform's seal timer handler.
 */
export interface CapturePlatform {
  readonly name: PlatformName;
  /** What reaches the handler of a body: its bytes, or (Azure Kafka) its bytes read as UTF-8 text. */
  readonly bodyAsDelivered: (body: Buffer) => Buffer;
  /** One invocation's input per element, as the platform would deliver these records. */
  eventsOf(records: readonly DeliveredRecord[]): unknown[];
  /** Calls the ingestion handler with one element of `eventsOf` (possibly altered by the test). */
  invoke(event: unknown): Promise<CaptureSummary>;
  /** Delivers the records: every invocation `eventsOf` gives, in order. */
  ingest(records: readonly DeliveredRecord[]): Promise<CaptureSummary[]>;
  /** Runs the platform's seal timer handler once. */
  seal(): Promise<CaptureSummary>;
  /** The `capture.failure` lines the handlers logged. */
  failures(): Record<string, unknown>[];
}

const asText = (bytes: Buffer) => Buffer.from(bytes.toString('utf8'), 'utf8');
const asIs = (bytes: Buffer) => bytes;

/** The platforms' event payloads travel as JSON: what the handler sees is what JSON.parse gives back. */
const overTheWire = <T>(value: T): T => JSON.parse(JSON.stringify(value));

type PlatformCalls = Omit<CapturePlatform, 'ingest' | 'failures'>;

export function capturePlatform(name: PlatformName, context: CaptureContext): CapturePlatform {
  const logged: Record<string, unknown>[] = [];
  const calls = platformCalls(name, context, logged);
  return {
    ...calls,
    failures: () =>
      logged.filter((line) => line.event === 'capture.failure' || line.message === 'capture.failure'),
    async ingest(records) {
      const summaries: CaptureSummary[] = [];
      for (const event of calls.eventsOf(records)) summaries.push(await calls.invoke(event));
      return summaries;
    },
  };
}

function platformCalls(
  name: PlatformName,
  context: CaptureContext,
  logged: Record<string, unknown>[],
): PlatformCalls {
  const topic = context.topic.name;
  if (name === 'lambda-kafka') {
    const observability = observabilityFor(topic);
    return {
      name,
      bodyAsDelivered: asIs,
      eventsOf: (records) => [overTheWire(lambdaKafkaEvent(topic, records))],
      invoke: (event) =>
        printedTo(logged, () =>
          createIngestHandler(async () => context, observability)(
            event,
            localLambdaContext(`capture-${topic}-ingest`),
          ),
        ),
      seal: () =>
        printedTo(logged, () =>
          createAwsSealTimerHandler(async () => context, observability)(
            {},
            localLambdaContext(`capture-${topic}-seal`),
          ),
        ),
    };
  }
  const invocation = (functionName: string, triggerMetadata: Record<string, unknown> = {}) => {
    const log = (...args: unknown[]) => logged.push(JSON.parse(args.join(' ')));
    return Object.assign(localInvocation(functionName, triggerMetadata, null), { log, error: log });
  };
  const seal = () => createAzureSealTimerHandler(async () => context)(null, invocation('seal-timer'));
  if (name === 'azure-kafka') {
    return {
      name,
      bodyAsDelivered: asText,
      eventsOf: (records) => [overTheWire(records.map((record) => kafkaEventData(topic, record)))],
      invoke: (events) => createKafkaIngestHandler(async () => context)(events, invocation('kafka-ingest')),
      seal,
    };
  }
  return {
    name,
    bodyAsDelivered: asIs,
    eventsOf: (records) => eventHubsInvocations(topic, records),
    invoke: (event) => {
      const { messages, triggerMetadata } = event as EventHubsInvocation;
      return createEventhubIngestHandler(async () => context)(
        messages,
        invocation('eventhub-ingest', triggerMetadata),
      );
    },
    seal,
  };
}

/** Powertools prints to stdout and stderr; its JSON lines are collected instead, only while `run` runs. */
async function printedTo<T>(lines: Record<string, unknown>[], run: () => Promise<T>): Promise<T> {
  const collect = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(collect);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(collect);
  try {
    return await run();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** The handler's two inputs: the bodies (`dataType: 'binary'`) and `context.triggerMetadata`. */
export interface EventHubsInvocation {
  readonly messages: Buffer[];
  readonly triggerMetadata: Record<string, unknown[] | unknown>;
}

/**
 * One invocation per partition, as the Event Hubs trigger delivers (local/eventHubsDelivery.ts builds
 * the shape). The offset is a number equal to the sequence number; properties are the headers
 * (an object, so a name cannot repeat); a raw broker time replaces the enqueued time in the metadata.
 */
function eventHubsInvocations(topic: string, records: readonly DeliveredRecord[]): EventHubsInvocation[] {
  const partitions = [...new Set(records.map((record) => record.partition))];
  return partitions.map((partition) => {
    const own = records.filter((record) => record.partition === partition);
    const delivery = eventHubsDelivery(
      { eventHubName: topic, consumerGroup: '$Default', partitionId: String(partition) },
      own.map((record) => ({
        sequenceNumber: record.offset,
        offset: record.offset,
        enqueuedTimeMs: typeof record.brokerTime === 'number' ? record.brokerTime : 0,
        partitionKey: record.key ? record.key.toString('utf8') : null,
        body: record.body,
        properties: Object.fromEntries((record.headers ?? []).map((header) => [header.name, header.value])),
      })),
    );
    const metadata = delivery.triggerMetadata as Record<string, unknown[]>;
    own.forEach((record, index) => {
      if (typeof record.brokerTime === 'number') return;
      const raw = record.brokerTime.raw === MISSING ? null : record.brokerTime.raw;
      (metadata.enqueuedTimeUtcArray as unknown[])[index] = raw;
      Object.assign((metadata.systemPropertiesArray as Record<string, unknown>[])[index] ?? {}, {
        enqueuedTimeUtc: raw,
      });
    });
    return { messages: delivery.messages, triggerMetadata: metadata };
  });
}

/**
 * KafkaEventData as the Azure Kafka extension serializes it (samples/events/kafka-batch.json): the value
 * and key as UTF-8 text, header values base64, `Timestamp` an ISO 8601 string.
 */
function kafkaEventData(topic: string, record: DeliveredRecord): Record<string, unknown> {
  const event: Record<string, unknown> = {
    Offset: record.offset,
    Partition: record.partition,
    Topic: topic,
    Timestamp:
      typeof record.brokerTime === 'number'
        ? new Date(record.brokerTime).toISOString()
        : record.brokerTime.raw,
    Key: record.key ? record.key.toString('utf8') : null,
    Value: record.body.toString('utf8'),
    Headers: (record.headers ?? []).map((header) => ({
      Key: header.name,
      Value: header.value.toString('base64'),
    })),
  };
  if (event.Timestamp === MISSING) delete event.Timestamp;
  return event;
}

/**
 * The event of an MSK event source mapping (samples/events/msk-event.json): records keyed
 * `"<topic>-<partition>"`, key and value base64 (the key absent when null), headers as single-entry
 * objects of signed bytes, `timestamp` epoch milliseconds.
 */
function lambdaKafkaEvent(topic: string, records: readonly DeliveredRecord[]): Record<string, unknown> {
  const byPartition: Record<string, Record<string, unknown>[]> = {};
  for (const record of records) {
    const kafkaRecord: Record<string, unknown> = {
      topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: typeof record.brokerTime === 'number' ? record.brokerTime : record.brokerTime.raw,
      timestampType: 'CREATE_TIME',
      ...(record.key ? { key: record.key.toString('base64') } : {}),
      value: record.body.toString('base64'),
      headers: (record.headers ?? []).map((header) => ({
        [header.name]: [...header.value].map((byte) => (byte > 127 ? byte - 256 : byte)),
      })),
    };
    if (kafkaRecord.timestamp === MISSING) delete kafkaRecord.timestamp;
    const batchKey = `${topic}-${record.partition}`;
    byPartition[batchKey] = [...(byPartition[batchKey] ?? []), kafkaRecord];
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn:
      'arn:aws:kafka:eu-west-1:123456789012:cluster/lake/0b5ac5e2-6f1e-4a8b-9c55-2f3e4d5c6b7a-3',
    bootstrapServers: 'b-1.lake.abc123.c3.kafka.eu-west-1.amazonaws.com:9098',
    records: byPartition,
  };
}
