import type { PartitionLedger } from '../../shared/ledger.js';

/** How far behind one partition is, from its ledger alone: what a deployed lake can tell without logs. */
export interface PartitionFreshness {
  readonly partition: string;
  readonly generation: number;
  /** The newest record time staged (broker or body time, as the topic's `timeSource` says), ISO. */
  readonly newestRecord: string | null;
  /**
   * The end of the newest closed minute: every record before it is in a decided object, visible to
   * readers once `pendingObjects` is 0 (the seal timer publishes the decided ones).
   */
  readonly sealedThrough: string | null;
  /** Seconds from the newest record staged to the view's time: how far the capture trails the source at best. */
  readonly behindSeconds: number | null;
  /** Seconds from `sealedThrough` to the view's time: how old the newest minute readers can see is. */
  readonly sealedBehindSeconds: number | null;
  /** Records staged and not sealed yet, and objects decided and being published. */
  readonly openRecords: number;
  readonly pendingObjects: number;
}

/**
 * Each partition's freshness at `now`, from the ledgers the console reads anyway: the record-time
 * measure Firehose calls data freshness and Capture users watch as lag. It is lag in time, not in
 * records: how many records the source holds beyond the ledger only the broker or event hub knows.
 */
export function partitionFreshness(
  ledgers: ReadonlyMap<string, PartitionLedger>,
  now: number,
): PartitionFreshness[] {
  return [...ledgers].map(([partition, ledger]) => {
    const sealedThroughMs = ledger.closedThrough === null ? null : (ledger.closedThrough + 1) * 60_000;
    return {
      partition,
      generation: ledger.generation,
      newestRecord: ledger.maxRecordTime === null ? null : new Date(ledger.maxRecordTime).toISOString(),
      sealedThrough: sealedThroughMs === null ? null : new Date(sealedThroughMs).toISOString(),
      behindSeconds: ledger.maxRecordTime === null ? null : Math.max(0, (now - ledger.maxRecordTime) / 1000),
      sealedBehindSeconds: sealedThroughMs === null ? null : Math.max(0, (now - sealedThroughMs) / 1000),
      openRecords: ledger.open.reduce((sum, segment) => sum + segment.records, 0),
      pendingObjects: ledger.pending.length,
    };
  });
}
