import type { PartitionEvent } from '../platforms/azure/eventHubsDelivery.js';
import { createEventGenerator } from './generator.js';

export interface WaveOptions {
  readonly totalEvents: number;
  readonly partitions: number;
  /** Events per second of event time, all partitions together. */
  readonly rate: number;
  /** Largest batch per partition and wave, like maxEventBatchSize. */
  readonly batchSize: number;
  readonly seed: number;
  /** Event time of the first event. */
  readonly startMs: number;
}

export interface Wave {
  /** Each partition's events of this wave, in log order. */
  readonly byPartition: PartitionEvent[][];
  /** Events produced so far, this wave included. */
  readonly produced: number;
  /** Event time at the end of this wave: a local run's clock follows it. */
  readonly eventTimeMs: number;
}

/**
 * Generated events in waves of up to `batchSize` per partition, spread round-robin over the partitions
 * as a keyless producer spreads them. The same options always give the same waves, so a run that is
 * retried or repeated delivers the same records at the same coordinates.
 */
export function* generatedWaves(options: WaveOptions): Generator<Wave> {
  const { totalEvents, partitions, rate, batchSize, startMs } = options;
  const generate = createEventGenerator(options.seed);
  // What each partition has appended so far: sequence numbers count events, offsets count bytes.
  const logs = Array.from({ length: partitions }, () => ({ sequenceNumber: 0, offset: 0 }));
  for (let produced = 0; produced < totalEvents; ) {
    const wave = Math.min(totalEvents - produced, batchSize * partitions);
    const byPartition: PartitionEvent[][] = logs.map(() => []);
    for (let index = 0; index < wave; index++) {
      const time = startMs + Math.floor(((produced + index) * 1000) / rate);
      const event = generate(time);
      const partition = (produced + index) % partitions;
      const log = logs[partition] as { sequenceNumber: number; offset: number };
      byPartition[partition]?.push({
        sequenceNumber: log.sequenceNumber,
        offset: log.offset,
        enqueuedTimeMs: time,
        partitionKey: event.key,
        body: event.body,
        properties: event.properties,
      });
      log.sequenceNumber += 1;
      log.offset += event.body.length;
    }
    produced += wave;
    yield { byPartition, produced, eventTimeMs: startMs + Math.floor((produced * 1000) / rate) };
  }
}
