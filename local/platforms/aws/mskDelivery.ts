import type { PartitionEvent } from '../azure/eventHubsDelivery.js';

/**
 * Java's signed bytes, as the Lambda Kafka event writes header values. A plain loop: `Array.from`
 * with a mapping function calls it per byte of every header of every record, many times slower.
 */
export function signedBytes(bytes: Buffer): number[] {
  const signed = new Array<number>(bytes.length);
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    signed[index] = byte > 127 ? byte - 256 : byte;
  }
  return signed;
}

/**
 * Builds the event an Amazon MSK event source mapping hands the function for one batch (see
 * samples/events/msk-event.json): records of every partition under `"<topic>-<partition>"`, the
 * partition's position as the Kafka offset, base64 keys and values, properties as headers of bytes.
 */
export function lambdaKafkaDelivery(
  topic: string,
  partitions: readonly (readonly PartitionEvent[])[],
): unknown {
  const records: Record<string, unknown[]> = {};
  partitions.forEach((events, partition) => {
    if (events.length === 0) return;
    records[`${topic}-${partition}`] = events.map((event) => ({
      topic,
      partition,
      offset: event.sequenceNumber,
      timestamp: event.enqueuedTimeMs,
      timestampType: 'CREATE_TIME',
      ...(event.partitionKey === null ? {} : { key: Buffer.from(event.partitionKey).toString('base64') }),
      value: event.body.toString('base64'),
      headers: Object.entries(event.properties).map(([name, value]) => ({
        [name]: signedBytes(Buffer.from(String(value))),
      })),
    }));
  });
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: `arn:aws:kafka:local:000000000000:cluster/local/${topic}`,
    bootstrapServers: 'localhost:9092',
    records,
  };
}
