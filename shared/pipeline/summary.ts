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
  };
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
  total.lagMs = part.lagMs === null ? total.lagMs : Math.max(total.lagMs ?? 0, part.lagMs);
  total.ledgerConflicts += part.ledgerConflicts;
  return total;
}
