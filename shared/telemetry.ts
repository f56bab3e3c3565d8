import type { CompactionSummary } from './compaction/compactionSummary.js';
import type { CompactionDispatchSummary } from './compaction/groupMessage.js';
import { CaptureError, RegistryUnavailableError } from './errors.js';
import type { PositionRestart } from './pipeline/positions.js';
import type { CaptureSummary, PartitionFigures } from './pipeline/summary.js';

/** Builds the one structured line an invocation logs from what it did and how long it took. */
export type LogLineOf<T> = (
  functionName: string,
  topic: string,
  summary: T,
  durationMs: number,
) => Record<string, unknown>;

/** Builds the lines of their own that an invocation logs beside its one line (see `ledgerLossNoticeRecords`). */
export type NoticesOf<T> = (functionName: string, topic: string, summary: T) => Record<string, unknown>[];

/**
 * The one structured line an invocation logs: what came in, what was written, how far behind the
 * topic is. Flat keys so Application Insights and CloudWatch Logs Insights can query them directly.
 *
 * `byPartition` is an array of `{ partition, ...figures }`, not an object keyed by partition: KQL
 * `mv-expand` and Logs Insights `unnest` turn each element into a row with `partition` as a column,
 * whereas `unnest` treats an object as one item and KQL would need `bag_keys` and indexing. A
 * partition that did nothing (the seal timer visits every partition) is left out: it adds nothing
 * to a sum or a maximum, and the line stays well under the 32 KB an Application Insights trace keeps.
 */
export function invocationLogRecord(
  functionName: string,
  topic: string,
  summary: CaptureSummary,
  durationMs: number,
): Record<string, unknown> {
  const deadLetters = Object.values(summary.deadLetters).reduce((sum, count) => sum + count, 0);
  return {
    event: 'capture.invocation',
    function: functionName,
    topic,
    partitions: summary.partitions,
    records: summary.records,
    redelivered: summary.redelivered,
    bytesIn: summary.bytesIn,
    bytesOut: summary.bytesOut,
    segmentsStaged: summary.segmentsStaged,
    objectsSealed: summary.objectsSealed,
    lateObjectsSealed: summary.lateObjectsSealed,
    deadLetters,
    deadLettersByReason: summary.deadLetters,
    timeFallbacks: summary.timeFallbacks,
    arrivalTimeFallbacks: summary.arrivalTimeFallbacks,
    ledgerConflicts: summary.ledgerConflicts,
    positionRestarts: summary.positionRestarts.length,
    ledgersLost: summary.ledgersLost.length,
    lagMs: summary.lagMs,
    byPartition: Object.entries(summary.byPartition)
      .filter(([, figures]) => !isIdle(figures))
      .map(([partition, figures]) => ({ partition, ...figures })),
    durationMs: Math.round(durationMs),
  };
}

function isIdle(figures: PartitionFigures): boolean {
  return (
    figures.lagMs === null &&
    figures.records + figures.objectsSealed + figures.lateObjectsSealed + figures.deadLetters === 0
  );
}

/** The line a compaction run logs: hours and rows written, what it read, and what still waits. */
export function compactionLogRecord(
  functionName: string,
  topic: string,
  summary: CompactionSummary,
  durationMs: number,
): Record<string, unknown> {
  return {
    event: 'capture.compaction',
    function: functionName,
    topic,
    ...summary,
    durationMs: Math.round(durationMs),
  };
}

/** The line an hourly compaction dispatch logs: how many group messages it sent, over how many partitions. */
export function compactionDispatchLogRecord(
  functionName: string,
  topic: string,
  summary: CompactionDispatchSummary,
  durationMs: number,
): Record<string, unknown> {
  return {
    event: 'capture.compaction-dispatch',
    function: functionName,
    topic,
    ...summary,
    durationMs: Math.round(durationMs),
  };
}

/**
 * The line a failed invocation logs: what failed and whether the platform's retry will fix it. The
 * batch is always retried (the partition waits), so `action` tells an operator whether to wait or to
 * fix something named in the error. `source` names what delivers the batches (trigger, event source).
 */
export function failureLogRecord(
  functionName: string,
  topic: string,
  error: unknown,
  source: string,
): Record<string, unknown> {
  const retriable = error instanceof CaptureError ? error.retriable : true;
  return {
    event: error instanceof CaptureError ? error.event : 'capture.failure',
    function: functionName,
    topic,
    retriable,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    action: retriable
      ? error instanceof RegistryUnavailableError
        ? 'none: the batch is retried and its partition waits until the schema registry answers'
        : 'none: the batch is retried and its partition waits until storage answers'
      : `fix the configuration or ${source} settings named in the error; the partition waits and nothing is lost`,
  };
}

/**
 * The `capture.positions-restarted` line of a partition whose positions started over: the generation
 * it left and the one it began, the positions on both sides, the evidence. Functions log it the
 * moment the new generation is durable (`IngestListener`), whatever the rest of the invocation does.
 */
export function positionRestartLogRecord(
  functionName: string,
  topic: string,
  restart: PositionRestart,
): Record<string, unknown> {
  return { event: 'capture.positions-restarted', function: functionName, topic, ...restart };
}

/**
 * The `capture.ledger-missing` lines a seal timer run logs beside its one line, one per partition its
 * hourly check found staging for without a ledger, with the command that rebuilds it.
 */
export function ledgerLossNoticeRecords(
  functionName: string,
  topic: string,
  summary: CaptureSummary,
): Record<string, unknown>[] {
  return summary.ledgersLost.map((lost) => ({
    event: 'capture.ledger-missing',
    function: functionName,
    topic,
    ...lost,
    action: `rebuild it: npm run invoke -- repair-ledger --topic ${topic} --partition ${lost.partition} (with the --config, --store and --dir of this lake)`,
  }));
}
