import { isUtf8 } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { eventHubsBatchToRecords } from '../../shared/adapters/eventHubsTrigger.js';
import { cutSegments, joinLines } from '../../shared/batcher.js';
import { type TopicConfig, topicSchema } from '../../shared/config/schema.js';
import { compressMember } from '../../shared/encode/compress.js';
import { encodingOf } from '../../shared/encode/encodings.js';
import { checkJson } from '../../shared/encode/jsonCheck.js';
import { createRecordEncoder } from '../../shared/encode/recordEncoder.js';
import type { CaptureRecord } from '../../shared/record.js';
import { BENCH_PARTITIONS, BENCH_TOPIC, type BenchEvents, benchEvents } from './benchEvents.js';
import type { Codec, CompressionFigure, StageFigure } from './results.js';

const NEWLINE = Buffer.from('\n');
const CODECS: readonly Codec[] = ['zstd', 'gzip'];

/** The steps of the pipeline and its limits, each timed alone over the same bytes. */
export interface StepsResult {
  readonly compression: readonly CompressionFigure[];
  readonly copyMbPerSecond: number;
  readonly stages: readonly StageFigure[];
}

/**
 * Inside the worker: compression alone at the topic's segment size and at the pipeline's mean
 * segment size, a plain copy, and every stage timer, in a warm-up round and then `rounds` rounds,
 * interleaved; best round of each.
 */
export async function stepsInWorker(input: {
  events: number;
  rounds: number;
  pipelineSegmentBytes: number;
}): Promise<StepsResult> {
  const events = benchEvents(input.events, BENCH_PARTITIONS);
  const lines = linesOf(events.records);
  const topicFor = (envelope: boolean) =>
    topicSchema.parse({ name: BENCH_TOPIC, source: 'eventhub', compression: 'zstd', jsonl: { envelope } });
  const body = topicFor(false);
  const timers = stageTimers(events, { body, envelope: topicFor(true) });
  const sizes = [body.maxSegmentBytes, input.pipelineSegmentBytes];
  const compressionRuns = new Map<string, { seconds: number; outputBytes: number }[]>();
  const copyRuns: number[] = [];
  const stageRuns = new Map<string, number[]>();
  const keep = <T>(runs: Map<string, T[]>, key: string, value: T) =>
    runs.set(key, [...(runs.get(key) ?? []), value]);
  for (let round = 0; round <= input.rounds; round++) {
    const warmUp = round === 0;
    for (const codec of CODECS) {
      for (const size of sizes) {
        const run = await compressAlone(lines, codec, size);
        if (!warmUp) keep(compressionRuns, `${codec}|${size}`, run);
      }
    }
    const copy = copyAlone(events.records);
    if (!warmUp) copyRuns.push(copy);
    for (const timer of timers) {
      const seconds = timer.run();
      if (!warmUp) keep(stageRuns, timer.name, seconds);
    }
  }

  const mbPerSecond = (seconds: number) => events.bodyBytes / 1e6 / seconds;
  return {
    compression: CODECS.flatMap((codec) =>
      sizes.map((segmentBytes): CompressionFigure => {
        const runs = compressionRuns.get(`${codec}|${segmentBytes}`) ?? [];
        const best = runs.reduce((min, run) => (run.seconds < min.seconds ? run : min));
        return {
          compression: codec,
          segmentBytes,
          mbPerSecond: mbPerSecond(best.seconds),
          roundsMbPerSecond: runs.map((run) => mbPerSecond(run.seconds)),
          outputRatio: best.outputBytes / lines.length,
        };
      }),
    ),
    copyMbPerSecond: mbPerSecond(Math.min(...copyRuns)),
    stages: timers.map((timer) => ({
      name: timer.name,
      mbPerSecond: mbPerSecond(Math.min(...(stageRuns.get(timer.name) ?? []))),
    })),
  };
}

/** The bodies as body-mode JSON lines, one buffer: the bytes compression alone is measured on. */
export function linesOf(records: readonly CaptureRecord[]): Buffer {
  return Buffer.concat(records.flatMap((record) => [record.body, NEWLINE]));
}

/**
 * Compression alone: `compressMember` over `lines` cut into `segmentBytes` pieces, awaited one after
 * another so only one compression is ever in flight (one core, like the pipeline's).
 */
export async function compressAlone(
  lines: Buffer,
  compression: Codec,
  segmentBytes: number,
): Promise<{ seconds: number; outputBytes: number }> {
  let outputBytes = 0;
  const started = performance.now();
  for (let first = 0; first < lines.length; first += segmentBytes) {
    const member = await compressMember(lines.subarray(first, first + segmentBytes), compression);
    outputBytes += member.length;
  }
  return { seconds: (performance.now() - started) / 1000, outputBytes };
}

/** A plain copy of every body into one buffer: the floor any pipeline has to touch the bytes. */
export function copyAlone(records: readonly CaptureRecord[]): number {
  const bodies = records.map((record) => record.body);
  const started = performance.now();
  const copy = Buffer.concat(bodies);
  const seconds = (performance.now() - started) / 1000;
  if (copy.length === 0) throw new Error('copied nothing');
  return seconds;
}

export interface StageTimer {
  readonly name: string;
  /** Runs the stage over every record once and returns the seconds it took. */
  run(): number;
}

/**
 * The pipeline's CPU-heavy steps, each timed alone over the same records, so the report can say
 * which of them bounds the whole. Each loop checks its own result, so the work cannot be skipped.
 */
export function stageTimers(events: BenchEvents, topics: { body: TopicConfig; envelope: TopicConfig }) {
  const { records, deliveries } = events;
  const newest = records.reduce((max, record) => Math.max(max, record.brokerTime), 0);
  const timed = (name: string, work: () => number): StageTimer => ({
    name,
    run() {
      const started = performance.now();
      const count = work();
      const seconds = (performance.now() - started) / 1000;
      if (count !== records.length) throw new Error(`${name}: handled ${count} of ${records.length} records`);
      return seconds;
    },
  });
  // Timed up to the segment's bytes: the encoder leaves an envelope's coordinates as text, which
  // becomes UTF-8 only when the lines are joined, so encoding alone would leave part of its work out.
  const encodeWith = (topic: TopicConfig) => () => {
    const encode = createRecordEncoder(topic, newest);
    const data = records.map(encode).filter((record) => record.kind === 'data');
    let lines = 0;
    for (const draft of cutSegments(data, encodingOf(topic), topic.maxSegmentBytes)) {
      if (joinLines(draft).length === draft.uncompressedBytes) lines += draft.records;
    }
    return lines;
  };
  return [
    timed('Event Hubs adapter (trigger batch to records)', () => {
      let count = 0;
      for (const delivery of deliveries)
        count += eventHubsBatchToRecords(BENCH_TOPIC, delivery.messages, delivery.triggerMetadata).length;
      return count;
    }),
    timed('UTF-8 check (isUtf8)', () => {
      let valid = 0;
      for (const record of records) if (isUtf8(record.body)) valid++;
      return valid;
    }),
    timed('JSON check (checkJson)', () => {
      let valid = 0;
      for (const record of records) if (checkJson(record.body).valid) valid++;
      return valid;
    }),
    timed('JSON.parse of each body (what the check replaced)', () => {
      let parsed = 0;
      for (const record of records) if (JSON.parse(record.body.toString('utf8')) !== undefined) parsed++;
      return parsed;
    }),
    timed('encode, body lines (record encoder, lines joined)', encodeWith(topics.body)),
    timed('encode, envelope lines (record encoder, lines joined)', encodeWith(topics.envelope)),
  ] satisfies StageTimer[];
}
