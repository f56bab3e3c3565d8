import { eventHubsBatchToRecords } from '../../shared/adapters/eventHubsTrigger.js';
import type { CaptureRecord } from '../../shared/record.js';
import {
  type EventHubsDelivery,
  eventHubsDelivery,
  type PartitionEvent,
} from '../platforms/azure/eventHubsDelivery.js';
import { createEventGenerator } from '../sources/generator.js';

/** The topic name every bench run captures. */
export const BENCH_TOPIC = 'bench';

/** The partitions the throughput events are spread over, round robin. */
export const BENCH_PARTITIONS = 4;

/** A fixed timeline start, so two runs place the same events in the same minutes. */
const TIMELINE_START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

/**
 * Events per second of event time: each batch of 1000 spans about five seconds, so every
 * (partition, minute) collects a dozen segments and the run seals minutes as production would.
 */
const EVENTS_PER_SECOND = 200;

/** The largest Event Hubs delivery the records are built from, like `maxEventBatchSize`. */
const DELIVERY_SIZE = 1000;

export interface BenchEvents {
  /** Every record in delivery order: event i is on partition i mod `partitions`. */
  readonly records: readonly CaptureRecord[];
  /** The Event Hubs trigger batches the records came from, one partition each. */
  readonly deliveries: readonly EventHubsDelivery[];
  readonly bodyBytes: number;
}

/**
 * Seeded generator events turned into capture records by the real Event Hubs adapter, so keys,
 * properties and system properties have the shapes an envelope writes, not placeholders.
 */
export function benchEvents(count: number, partitions: number, seed = 1): BenchEvents {
  const generate = createEventGenerator(seed);
  const byPartition: PartitionEvent[][] = Array.from({ length: partitions }, () => []);
  let bodyBytes = 0;
  for (let index = 0; index < count; index++) {
    const time = TIMELINE_START_MS + Math.floor((index * 1000) / EVENTS_PER_SECOND);
    const event = generate(time);
    const log = byPartition[index % partitions] as PartitionEvent[];
    const sequenceNumber = log.length;
    const previous = log.at(-1);
    log.push({
      sequenceNumber,
      offset: previous ? previous.offset + previous.body.length : 0,
      enqueuedTimeMs: time,
      partitionKey: event.key,
      body: event.body,
      properties: event.properties,
    });
    bodyBytes += event.body.length;
  }

  const deliveries: EventHubsDelivery[] = [];
  const recordsByPartition = byPartition.map((events, partition) => {
    const records: CaptureRecord[] = [];
    for (let first = 0; first < events.length; first += DELIVERY_SIZE) {
      const delivery = eventHubsDelivery(
        { eventHubName: BENCH_TOPIC, consumerGroup: '$Default', partitionId: String(partition) },
        events.slice(first, first + DELIVERY_SIZE),
      );
      deliveries.push(delivery);
      records.push(...eventHubsBatchToRecords(BENCH_TOPIC, delivery.messages, delivery.triggerMetadata));
    }
    return records;
  });
  const records = Array.from(
    { length: count },
    (_, index) => recordsByPartition[index % partitions]?.[Math.floor(index / partitions)] as CaptureRecord,
  );
  return { records, deliveries, bodyBytes };
}

/** Consecutive slices of `size` records: the batches a multi-partition trigger would deliver. */
export function batchesOf(records: readonly CaptureRecord[], size: number): CaptureRecord[][] {
  const batches: CaptureRecord[][] = [];
  for (let first = 0; first < records.length; first += size) batches.push(records.slice(first, first + size));
  return batches;
}
