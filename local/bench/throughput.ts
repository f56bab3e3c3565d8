import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type TopicConfig, topicSchema } from '../../shared/config/schema.js';
import { ingestBatch } from '../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../shared/pipeline/sealTimer.js';
import { addSummary, emptySummary } from '../../shared/pipeline/summary.js';
import type { CaptureRecord } from '../../shared/record.js';
import { createFsStore } from '../../shared/stores/fs/createFsStore.js';
import { BENCH_PARTITIONS, BENCH_TOPIC, batchesOf, benchEvents } from './benchEvents.js';
import { createInMemoryStore } from './inMemoryStore.js';
import type { Codec, PipelineFigure, ThroughputResult } from './results.js';
import { pinnableCpu, runWorker, type WorkerOptions } from './spawnWorker.js';
import { compressAlone, copyAlone, linesOf, type StepsResult } from './stages.js';

const BATCH_RECORDS = 1000;
/** One libuv thread: async zlib compresses there, and more threads would mean more cores. */
const THREADPOOL_SIZE = 1;

export interface PipelineCase {
  readonly compression: Codec;
  readonly envelope: boolean;
  readonly store: PipelineFigure['store'];
}

/**
 * Every codec and output mode into the filesystem store; zstd body lines also into a store in
 * memory, which tells the pipeline's own work from the file I/O. The first is the reference case.
 */
const PIPELINE_CASES: readonly PipelineCase[] = [
  { compression: 'zstd', envelope: false, store: 'filesystem' },
  { compression: 'zstd', envelope: true, store: 'filesystem' },
  { compression: 'gzip', envelope: false, store: 'filesystem' },
  { compression: 'gzip', envelope: true, store: 'filesystem' },
  { compression: 'zstd', envelope: false, store: 'memory' },
];

export interface RoundsOptions {
  readonly events: number;
  readonly rounds: number;
}

interface PipelineWorkerResult {
  readonly figure: PipelineFigure;
  readonly events: number;
  readonly bodyBytes: number;
  readonly maxSegmentBytes: number;
}

/**
 * Each pipeline case in its own fresh process, as a deployed function runs one topic's config, so
 * no case's JIT or heap state shapes another's. Every process is held to one core: pinned to one CPU
 * where `taskset` exists, and with a libuv threadpool of one thread, because async zlib compresses
 * on that pool and would otherwise borrow a second core beside the JavaScript thread.
 */
export async function measureThroughput(options: RoundsOptions): Promise<ThroughputResult> {
  const cpu = pinnableCpu();
  // No forced garbage collections between measurements: a full GC shrinks the heap, and the next
  // pipeline run then pays for growing it again (a third slower here), which no running function does.
  const oneCore: WorkerOptions = {
    env: { UV_THREADPOOL_SIZE: String(THREADPOOL_SIZE) },
    ...(cpu === undefined ? {} : { cpu }),
  };
  const results: PipelineWorkerResult[] = [];
  for (const pipelineCase of PIPELINE_CASES) {
    results.push(await runWorker('pipeline', { ...options, ...pipelineCase }, oneCore));
  }
  const [reference] = results;
  if (!reference) throw new Error('no pipeline measured');
  const pipelineSegmentBytes = Math.round(reference.bodyBytes / reference.figure.segmentsStaged);
  const steps = await runWorker<StepsResult>('steps', { ...options, pipelineSegmentBytes }, oneCore);
  return {
    events: reference.events,
    bodyBytes: reference.bodyBytes,
    batchRecords: BATCH_RECORDS,
    partitions: BENCH_PARTITIONS,
    maxSegmentBytes: reference.maxSegmentBytes,
    pipelineSegmentBytes,
    rounds: options.rounds,
    pinnedCpu: cpu ?? null,
    threadpoolSize: THREADPOOL_SIZE,
    pipeline: results.map((result) => result.figure),
    ...steps,
  };
}

/**
 * Inside the worker: a warm-up round, then `rounds` rounds of the pipeline, compression alone on the
 * same bytes and a plain copy, interleaved so a slow spell of the machine lowers the pipeline and its
 * limit together instead of skewing their ratio. Best round of each.
 */
export async function pipelineInWorker(input: RoundsOptions & PipelineCase): Promise<PipelineWorkerResult> {
  const events = benchEvents(input.events, BENCH_PARTITIONS);
  const batches = batchesOf(events.records, BATCH_RECORDS);
  const lines = linesOf(events.records);
  const topic = topicSchema.parse({
    name: BENCH_TOPIC,
    source: 'eventhub',
    compression: input.compression,
    jsonl: { envelope: input.envelope },
  });
  const pipelineRuns: Awaited<ReturnType<typeof runPipeline>>[] = [];
  const compressionRuns: number[] = [];
  const copyRuns: number[] = [];
  for (let round = 0; round <= input.rounds; round++) {
    const pipeline = await runPipeline(topic, input.store, batches);
    const compression = await compressAlone(lines, input.compression, topic.maxSegmentBytes);
    const copy = copyAlone(events.records);
    // Round 0 warms up JIT tiers and allocator pools; it is not recorded.
    if (round === 0) continue;
    pipelineRuns.push(pipeline);
    compressionRuns.push(compression.seconds);
    copyRuns.push(copy);
  }

  const mbPerSecond = (seconds: number) => events.bodyBytes / 1e6 / seconds;
  const best = pipelineRuns.reduce((min, run) => (run.seconds < min.seconds ? run : min));
  return {
    events: events.records.length,
    bodyBytes: events.bodyBytes,
    maxSegmentBytes: topic.maxSegmentBytes,
    figure: {
      compression: input.compression,
      envelope: input.envelope,
      store: input.store,
      mbPerSecond: mbPerSecond(best.seconds),
      recordsPerSecond: events.records.length / best.seconds,
      roundsMbPerSecond: pipelineRuns.map((run) => mbPerSecond(run.seconds)),
      cpuSecondsPerGb: best.cpuSeconds / (events.bodyBytes / 1e9),
      compressionAloneMbPerSecond: mbPerSecond(Math.min(...compressionRuns)),
      copyMbPerSecond: mbPerSecond(Math.min(...copyRuns)),
      segmentsStaged: best.summary.segmentsStaged,
      objectsSealed: best.summary.objectsSealed,
      bytesOut: best.summary.bytesOut,
    },
  };
}

/**
 * Every batch through `ingestBatch` into a fresh store (a filesystem one in a temporary folder),
 * the clock following the newest event as it would in production; then one seal-timer run an idle
 * while later, so every byte has been staged and sealed into its minute object when the clock stops.
 */
async function runPipeline(
  topic: TopicConfig,
  store: PipelineFigure['store'],
  batches: readonly CaptureRecord[][],
) {
  const folder = await mkdtemp(join(tmpdir(), 'capture-bench-'));
  try {
    let now = 0;
    const context = {
      topic,
      store: store === 'filesystem' ? createFsStore(folder) : createInMemoryStore(),
      clock: () => now,
    };
    const summary = emptySummary();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (const batch of batches) {
      now = Math.max(now, ...batch.map((record) => record.brokerTime));
      addSummary(summary, await ingestBatch(context, batch));
    }
    now += (topic.sealDelaySeconds + 120) * 1000;
    addSummary(summary, await sealIdlePartitions(context));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const records = batches.reduce((sum, batch) => sum + batch.length, 0);
    const deadLetters = Object.values(summary.deadLetters).reduce((sum, count) => sum + count, 0);
    if (summary.records !== records || deadLetters > 0 || summary.objectsSealed === 0) {
      throw new Error(
        `pipeline run did not capture the events: ${summary.records} of ${records} records, ` +
          `${deadLetters} dead letters, ${summary.objectsSealed} objects sealed`,
      );
    }
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, summary };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
