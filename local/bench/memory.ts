import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicSchema } from '../../shared/config/schema.js';
import { ingestBatch } from '../../shared/pipeline/ingest.js';
import type { CaptureStore } from '../../shared/store.js';
import { createFsStore } from '../../shared/stores/fs/createFsStore.js';
import { BENCH_TOPIC, benchEvents } from './benchEvents.js';
import type { Codec, MemoryFigure } from './results.js';
import { runWorker } from './spawnWorker.js';

export interface MemoryCase {
  readonly records: number;
  readonly partitions: number;
  readonly compression: Codec;
}

/**
 * Batch sizes over four partitions, the shipped Event Hubs batch of 25,000 on one partition, then
 * one 10000-record batch spread over more and more partitions, all written as zstd envelopes; the
 * widest batch again with gzip, which tells growth that comes with the codec from growth that comes
 * with the pipeline.
 */
export const MEMORY_CASES: readonly MemoryCase[] = [
  { records: 100, partitions: 4, compression: 'zstd' },
  { records: 1000, partitions: 4, compression: 'zstd' },
  { records: 10000, partitions: 4, compression: 'zstd' },
  { records: 25000, partitions: 1, compression: 'zstd' },
  { records: 10000, partitions: 1, compression: 'zstd' },
  { records: 10000, partitions: 32, compression: 'zstd' },
  { records: 10000, partitions: 256, compression: 'zstd' },
  { records: 10000, partitions: 256, compression: 'gzip' },
];

/** Each case in its own fresh process, one after another, so no case inherits another's peak. */
export async function measureMemory(): Promise<MemoryFigure[]> {
  const figures: MemoryFigure[] = [];
  for (const memoryCase of MEMORY_CASES) {
    figures.push(await runWorker<MemoryFigure>('memory', memoryCase, { nodeFlags: ['--expose-gc'] }));
  }
  return figures;
}

/**
 * Inside the worker: one batch of the case into a fresh store, the topic written as envelopes (the
 * output that holds the most bytes per record). Peaks are sampled every millisecond and before every
 * store call, where a compressed segment and its lines are both alive.
 */
export async function memoryCaseInWorker({
  records,
  partitions,
  compression,
}: MemoryCase): Promise<MemoryFigure> {
  const events = benchEvents(records, partitions);
  const topic = topicSchema.parse({
    name: BENCH_TOPIC,
    source: 'eventhub',
    compression,
    jsonl: { envelope: true },
  });
  const folder = await mkdtemp(join(tmpdir(), 'capture-bench-memory-'));
  try {
    const newest = events.records.reduce((max, record) => Math.max(max, record.brokerTime), 0);
    globalThis.gc?.();
    const before = process.memoryUsage();
    let peakHeap = before.heapUsed;
    let peakBuffers = before.arrayBuffers;
    const sample = () => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
    };
    const store = createFsStore(folder);
    const sampledStore: CaptureStore = {
      objects: sampledCalls(store.objects, sample),
      ledger: sampledCalls(store.ledger, sample),
    };
    const timer = setInterval(sample, 1);
    const summary = await ingestBatch({ topic, store: sampledStore, clock: () => newest }, events.records);
    clearInterval(timer);
    sample();
    return {
      records,
      partitions,
      compression,
      bodyBytes: events.bodyBytes,
      segmentsStaged: summary.segmentsStaged,
      rssBeforeBytes: before.rss,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      peakHeapDeltaBytes: peakHeap - before.heapUsed,
      peakBuffersDeltaBytes: peakBuffers - before.arrayBuffers,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** `target` with `sample` called before each of its methods runs. */
function sampledCalls<T extends object>(target: T, sample: () => void): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        sample();
        return value.apply(object, args);
      };
    },
  });
}
