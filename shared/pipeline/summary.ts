import type { LostLedger } from './ledgerLoss.js';
import type { PositionRestart } from './positions.js';

/** One partition's share of an invocation: the figures the workbook and dashboard chart per partition. */
export interface PartitionFigures {
  records: number;
  bytesIn: number;
  bytesOut: number;
  objectsSealed: number;
  lateObjectsSealed: number;
  deadLetters: number;
  lagMs: number | null;
}

/** What one invocation did; handlers log it as one structured line. */
export interface CaptureSummary {
  records: number;
  /** Records already staged by an earlier delivery, skipped. */
  redelivered: number;
  bytesIn: number;
  bytesOut: number;
  segmentsStaged: number;
  objectsSealed: number;
  lateObjectsSealed: number;
  deadLetters: Record<string, number>;
  /** Records whose configured body time field was unusable, placed by broker time instead. */
  timeFallbacks: number;
  /** Records the platform delivered without a usable broker time, placed by arrival time instead. */
  arrivalTimeFallbacks: number;
  partitions: number;
  /** Age of the oldest record of the batch when it was processed: how far behind the topic we are. */
  lagMs: number | null;
  /** Ledger compare-and-set conflicts resolved by re-reading (concurrent writers). */
  ledgerConflicts: number;
  /** Partitions whose positions started over in this invocation (see `sortOutPositions`). */
  positionRestarts: PositionRestart[];
  /** Partitions the seal timer's hourly check found staging for without a ledger (see `findLostLedgers`). */
  ledgersLost: LostLedger[];
  /** The same figures per partition id; the totals above are their sums (lag: their maximum). */
  byPartition: Record<string, PartitionFigures>;
}

export function emptySummary(): CaptureSummary {
  return {
    records: 0,
    redelivered: 0,
    bytesIn: 0,
    bytesOut: 0,
    segmentsStaged: 0,
    objectsSealed: 0,
    lateObjectsSealed: 0,
    deadLetters: {},
    timeFallbacks: 0,
    arrivalTimeFallbacks: 0,
    partitions: 0,
    lagMs: null,
    ledgerConflicts: 0,
    positionRestarts: [],
    ledgersLost: [],
    byPartition: {},
  };
}

/**
 * Files a one-partition summary's own totals under its partition, so that `addSummary` keeps them
 * apart when it adds the partitions of an invocation together.
 */
export function withPartitionFigures(partition: string, summary: CaptureSummary): CaptureSummary {
  const deadLetters = Object.values(summary.deadLetters).reduce((sum, count) => sum + count, 0);
  summary.byPartition = {
    [partition]: {
      records: summary.records,
      bytesIn: summary.bytesIn,
      bytesOut: summary.bytesOut,
      objectsSealed: summary.objectsSealed,
      lateObjectsSealed: summary.lateObjectsSealed,
      deadLetters,
      lagMs: summary.lagMs,
    },
  };
  return summary;
}

/** Adds `part` into `total` (mutates `total`, which a single invocation owns). */
export function addSummary(total: CaptureSummary, part: CaptureSummary): CaptureSummary {
  total.records += part.records;
  total.redelivered += part.redelivered;
  total.bytesIn += part.bytesIn;
  total.bytesOut += part.bytesOut;
  total.segmentsStaged += part.segmentsStaged;
  total.objectsSealed += part.objectsSealed;
  total.lateObjectsSealed += part.lateObjectsSealed;
  for (const [reason, count] of Object.entries(part.deadLetters)) {
    total.deadLetters[reason] = (total.deadLetters[reason] ?? 0) + count;
  }
  total.timeFallbacks += part.timeFallbacks;
  total.arrivalTimeFallbacks += part.arrivalTimeFallbacks;
  total.partitions += part.partitions;
  total.lagMs = maxLag(total.lagMs, part.lagMs);
  total.ledgerConflicts += part.ledgerConflicts;
  total.positionRestarts.push(...part.positionRestarts);
  total.ledgersLost.push(...part.ledgersLost);
  for (const [partition, figures] of Object.entries(part.byPartition)) {
    const known = total.byPartition[partition];
    total.byPartition[partition] = known
      ? {
          records: known.records + figures.records,
          bytesIn: known.bytesIn + figures.bytesIn,
          bytesOut: known.bytesOut + figures.bytesOut,
          objectsSealed: known.objectsSealed + figures.objectsSealed,
          lateObjectsSealed: known.lateObjectsSealed + figures.lateObjectsSealed,
          deadLetters: known.deadLetters + figures.deadLetters,
          lagMs: maxLag(known.lagMs, figures.lagMs),
        }
      : { ...figures };
  }
  return total;
}

/** Lag is how far behind the furthest-behind part is; null (no records) adds nothing. */
function maxLag(a: number | null, b: number | null): number | null {
  if (b === null) return a;
  return Math.max(a ?? 0, b);
}
