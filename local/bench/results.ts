import type { BillResult } from './bill/measureBill.js';
import type { CompactionMeasurement } from './compaction.js';
import type { KafkaPeersResult } from './kafkaPeers.js';
/**
 * The shape of one bench run: what `--json` writes and what the tables are made from. Sizes are
 * bytes; rates are MB/s with MB = 10^6 bytes, of body bytes (the events as produced), whatever the
 * output format adds.
 */

export type Codec = 'gzip' | 'zstd';

export interface PipelineFigure {
  readonly compression: Codec;
  readonly envelope: boolean;
  /** The filesystem store, or one in memory that shows the pipeline without its file I/O. */
  readonly store: 'filesystem' | 'memory';
  /** Best of the measured rounds. */
  readonly mbPerSecond: number;
  readonly recordsPerSecond: number;
  /** Every measured round, in order, so the spread is visible. */
  readonly roundsMbPerSecond: readonly number[];
  /** Process CPU seconds (all threads) per GB in the best round. */
  readonly cpuSecondsPerGb: number;
  /** Compression alone (this codec, maxSegmentBytes segments) on the same bytes, in the same process. */
  readonly compressionAloneMbPerSecond: number;
  /** A plain copy of the same bodies, in the same process. */
  readonly copyMbPerSecond: number;
  readonly segmentsStaged: number;
  readonly objectsSealed: number;
  readonly bytesOut: number;
}

export interface CompressionFigure {
  readonly compression: Codec;
  readonly segmentBytes: number;
  readonly mbPerSecond: number;
  readonly roundsMbPerSecond: readonly number[];
  /** Compressed size over input size. */
  readonly outputRatio: number;
}

/** One step of the pipeline timed alone over the same records. */
export interface StageFigure {
  readonly name: string;
  readonly mbPerSecond: number;
}

export interface ThroughputResult {
  readonly events: number;
  readonly bodyBytes: number;
  readonly batchRecords: number;
  readonly partitions: number;
  readonly maxSegmentBytes: number;
  /** Mean body bytes per staged segment in the zstd body-mode pipeline. */
  readonly pipelineSegmentBytes: number;
  readonly rounds: number;
  /** The CPU the measuring process was pinned to, or null when it could not be pinned. */
  readonly pinnedCpu: number | null;
  readonly threadpoolSize: number;
  readonly pipeline: readonly PipelineFigure[];
  /** The steps measured alone, in one more process: the limits the notes reason with. */
  readonly compression: readonly CompressionFigure[];
  readonly copyMbPerSecond: number;
  readonly stages: readonly StageFigure[];
}

export interface MemoryFigure {
  readonly records: number;
  readonly partitions: number;
  readonly compression: Codec;
  readonly bodyBytes: number;
  readonly segmentsStaged: number;
  /** Resident set size just before the batch was ingested, after a full GC. */
  readonly rssBeforeBytes: number;
  /** The process's peak resident set size (`process.resourceUsage().maxRSS`). */
  readonly peakRssBytes: number;
  /** Peak V8 heap in use while ingesting, over the heap before it. */
  readonly peakHeapDeltaBytes: number;
  /** Peak Buffer (ArrayBuffer) memory while ingesting, over the memory before it. */
  readonly peakBuffersDeltaBytes: number;
}

export interface ImportTiming {
  /** Median of the fresh processes. */
  readonly medianMs: number;
  readonly samplesMs: readonly number[];
  /** Median from spawning the process until it exits after the import: what a host waits. */
  readonly medianProcessMs: number;
}

export interface BundleFigure {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** True for the chunk the entry imports at start; false for chunks behind `await import()`. */
  readonly loadedAtStart: boolean;
}

export interface ColdStartResult {
  readonly processes: number;
  /** The functions and shared modules transpiled file by file, node_modules beside: `npm run build`'s shape. */
  readonly unbundled: ImportTiming;
  /** One esbuild bundle (code-split at dynamic imports). */
  readonly bundled: ImportTiming;
  readonly bundle: readonly BundleFigure[];
  /** The packages (or project folders) that weigh most in the chunks loaded at start. */
  readonly largestAtStart: readonly { readonly name: string; readonly bytes: number }[];
}

/** One Lambda function's bundle (what the stack uploads) and its module initialisation. */
export interface LambdaBundleFigure {
  readonly function: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly init: ImportTiming;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly os: string;
}

export interface BenchResults {
  readonly date: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  readonly throughput: ThroughputResult;
  readonly memory: readonly MemoryFigure[];
  readonly coldStart: ColdStartResult;
  readonly lambdas: readonly LambdaBundleFigure[];
  /** Kafka to lake against Kafka Connect and the console consumer, on one topic in one run. */
  readonly kafkaPeers: KafkaPeersResult;
  /** The all-in bill per scenario, lever by lever, against the peers. */
  readonly bill: BillResult;
  readonly compaction: readonly CompactionMeasurement[];
}
