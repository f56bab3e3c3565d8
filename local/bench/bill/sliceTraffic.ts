import type { PartitionEvent } from '../../platforms/azure/eventHubsDelivery.js';
import { lambdaPayloadBytes } from '../../platforms/kafka/events.js';
import type { Platform } from '../../platforms/kafka/triggerFunctions.js';
import { createEventGenerator } from '../../sources/generator.js';
import { cutTriggerBatches, type TriggerSettings } from './triggerBatches.js';

/** Each partition's events, evenly spread in time over the traffic minutes, as a partition log holds them. */
export function generateStreams(
  startMs: number,
  partitions: number,
  perSecond: number,
  minutes: number,
): PartitionEvent[][] {
  const count = Math.round(perSecond * minutes * 60);
  return Array.from({ length: partitions }, (_, partition) => {
    const generate = createEventGenerator(partition + 1);
    let offset = 0;
    return Array.from({ length: count }, (_, index) => {
      const time = startMs + Math.floor((index * 1000) / perSecond);
      const event = generate(time);
      const partitionEvent: PartitionEvent = {
        sequenceNumber: index,
        offset,
        enqueuedTimeMs: time,
        partitionKey: event.key,
        body: event.body,
        properties: event.properties,
      };
      offset += event.body.length;
      return partitionEvent;
    });
  });
}

export interface Delivery {
  readonly deliveredMs: number;
  /** The batch's events by partition: one partition on Event Hubs, any on a Kafka mapping. */
  readonly byPartition: PartitionEvent[][];
}

/**
 * The trigger's invocations in time order: the Event Hubs trigger cuts each partition on its own; a
 * Kafka event source mapping's poller reads the partitions it was given as one stream, whose batches
 * hold records of several partitions and count each record's payload in the event Lambda builds.
 */
export function deliveriesOf(
  platform: Platform,
  streams: PartitionEvent[][],
  settings: TriggerSettings,
): Delivery[] {
  const empty = () => streams.map((): PartitionEvent[] => []);
  if (platform === 'azure') {
    return streams
      .flatMap((events, partition) =>
        cutTriggerBatches(
          events.map((event) => ({ arrivalMs: event.enqueuedTimeMs, payloadBytes: event.body.length })),
          settings,
        ).map((batch) => {
          const byPartition = empty();
          byPartition[partition] = events.slice(batch.first, batch.end);
          return { deliveredMs: batch.deliveredMs, byPartition };
        }),
      )
      .sort((a, b) => a.deliveredMs - b.deliveredMs);
  }
  const merged = streams
    .flatMap((events, partition) => events.map((event) => ({ partition, event })))
    .sort((a, b) => a.event.enqueuedTimeMs - b.event.enqueuedTimeMs || a.partition - b.partition);
  return cutTriggerBatches(
    merged.map(({ partition, event }) => ({
      arrivalMs: event.enqueuedTimeMs,
      payloadBytes: lambdaPayloadBytes({
        partition,
        offset: event.sequenceNumber,
        timestamp: event.enqueuedTimeMs,
        timestampType: 'CREATE_TIME',
        key: event.partitionKey === null ? null : Buffer.from(event.partitionKey),
        value: event.body,
        headers: Object.entries(event.properties).map(([name, value]) => ({
          name,
          value: Buffer.from(String(value)),
        })),
      }),
    })),
    settings,
  ).map((batch) => {
    const byPartition = empty();
    for (const { partition, event } of merged.slice(batch.first, batch.end))
      byPartition[partition]?.push(event);
    return { deliveredMs: batch.deliveredMs, byPartition };
  });
}
