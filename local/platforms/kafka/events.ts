import { isoTimeText } from '../../../shared/isoTime.js';
import { signedBytes } from '../aws/mskDelivery.js';
import type { FetchedRecord } from './batches.js';

/**
 * The events the platform triggers hand the ingestion functions, built from records read from a
 * real broker: real offsets, record timestamps, keys and headers.
 */

/**
 * .NET writes a UTC DateTime with up to seven fraction digits and no trailing zeros; a millisecond
 * time has at most three, cut by arithmetic rather than a regular expression per record.
 */
export function dotNetUtcTime(epochMs: number): string {
  const iso = isoTimeText(epochMs);
  const millis = ((Math.trunc(epochMs) % 1000) + 1000) % 1000;
  const fractionDigits = millis === 0 ? 0 : millis % 100 === 0 ? 1 : millis % 10 === 0 ? 2 : 3;
  const secondsEnd = iso.length - 5;
  return `${iso.slice(0, fractionDigits === 0 ? secondsEnd : secondsEnd + 1 + fractionDigits)}Z`;
}

/** One invocation of the Azure Functions Kafka trigger: the handler's two arguments. */
export interface AzureKafkaInvocation {
  /** The values, each a `Buffer` of its bytes (null for a tombstone). */
  readonly values: (Buffer | null)[];
  readonly triggerMetadata: Record<string, unknown>;
}

/**
 * One invocation of the Azure Functions Kafka trigger (`cardinality: 'many'`, `dataType: 'binary'`)
 * as the Node.js library hands it over (see samples/events/kafka-batch-binary.json): each value's
 * bytes, and the extension's metadata arrays with their first letters lower-cased (the library does
 * so recursively, header objects included): partitions, offsets, .NET UTC times, topics, keys as the
 * extension's UTF-8 text of their bytes, and each record's headers with base64 values.
 */
export function azureKafkaEvents(topic: string, records: readonly FetchedRecord[]): AzureKafkaInvocation {
  return {
    values: records.map((record) => record.value),
    triggerMetadata: {
      partitionArray: records.map((record) => record.partition),
      offsetArray: records.map((record) => record.offset),
      timestampArray: records.map((record) => dotNetUtcTime(record.timestamp)),
      topicArray: records.map(() => topic),
      keyArray: records.map((record) => (record.key === null ? null : record.key.toString('utf8'))),
      headersArray: records.map((record) =>
        record.headers.map((header) => ({
          key: header.name,
          value: header.value === null ? null : header.value.toString('base64'),
        })),
      ),
    },
  };
}

/**
 * One invocation of a self-managed Apache Kafka event source mapping (see
 * samples/events/self-managed-kafka-event.json): records grouped under `"<topic>-<partition>"`, base64
 * keys and values (absent when null), each header a single-entry object of signed bytes.
 */
export function lambdaKafkaEvent(
  topic: string,
  bootstrapServers: readonly string[],
  records: readonly FetchedRecord[],
): unknown {
  const byPartition: Record<string, unknown[]> = {};
  for (const record of records) {
    const batchKey = `${topic}-${record.partition}`;
    byPartition[batchKey] ??= [];
    byPartition[batchKey].push({
      topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      timestampType: record.timestampType,
      ...(record.key === null ? {} : { key: record.key.toString('base64') }),
      ...(record.value === null ? {} : { value: record.value.toString('base64') }),
      headers: record.headers.map((header) => ({
        [header.name]: signedBytes(header.value ?? Buffer.alloc(0)),
      })),
    });
  }
  return {
    eventSource: 'SelfManagedKafka',
    bootstrapServers: bootstrapServers.join(','),
    records: byPartition,
  };
}

const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

/**
 * Bytes one record adds to a Lambda Kafka event, a little over rather than under: base64 key and
 * value, up to four characters per header byte, and the field names and numbers around them.
 */
export function lambdaPayloadBytes(record: FetchedRecord): number {
  const headers = record.headers.reduce(
    (sum, header) => sum + header.name.length + 4 * (header.value?.length ?? 0) + 8,
    0,
  );
  return 200 + base64Length(record.key?.length ?? 0) + base64Length(record.value?.length ?? 0) + headers;
}
