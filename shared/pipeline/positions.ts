import { CaptureError } from '../errors.js';
import { type ObjectDecision, type PartitionLedger, startGeneration } from '../ledger.js';
import { type DeliveredPosition, judgeBehind } from '../positionEvidence.js';

/** A partition whose positions started over, as the invocation line and `capture.positions-restarted` report it. */
export interface PositionRestart {
  readonly partition: string;
  /** `restart`: a new log (recreated, truncated); `backfill`: the same log, below where capture began. */
  readonly kind: 'restart' | 'backfill';
  readonly previousGeneration: number;
  readonly generation: number;
  /** The highest position the previous generation staged. */
  readonly previousStagedThrough: number;
  /** The first position delivered to the new generation. */
  readonly firstPosition: number;
  /** What proved it, in words. */
  readonly evidence: string;
}

/** Positions that cannot be told apart: the partition holds until an operator decides. */
export class PositionsAmbiguousError extends CaptureError {
  override get event(): string {
    return 'capture.positions-ambiguous';
  }
  constructor(message: string) {
    super(message, { retriable: false });
    this.name = 'PositionsAmbiguousError';
  }
}

/** What to stage from a batch, and the ledger to stage it into. */
export interface SortedPositions<T> {
  /** The ledger, moved to a new generation when the positions started over. */
  readonly state: PartitionLedger;
  /** The batch's records that were never staged, in position order. */
  readonly fresh: readonly T[];
  readonly restart: PositionRestart | null;
}

/**
 * Sorts a partition's batch (unique positions, in order) into what was staged before and what is new,
 * by the evidence `judgeBehind` weighs. Positions that started over move the ledger to its next
 * generation (`startGeneration`) and the new records go there; what cannot be told apart throws
 * `PositionsAmbiguousError`, holding the partition, with the command that resolves it.
 */
export function sortOutPositions<T extends { readonly delivered: DeliveredPosition }>(
  ledger: PartitionLedger,
  batch: readonly T[],
  where: { readonly topic: string; readonly partition: string },
  pathOf: (object: ObjectDecision) => string,
): SortedPositions<T> {
  const verdict = judgeBehind(
    ledger,
    batch.map((item) => item.delivered),
  );
  if (verdict.kind === 'ambiguous') {
    throw new PositionsAmbiguousError(
      `${where.topic}/${where.partition}: positions went back (${verdict.evidence}), and nothing proves whether these records were captured before. The partition holds. If the topic or event hub was recreated, run: npm run invoke -- resolve-positions --topic ${where.topic} --partition ${where.partition} --as restart; if a consumer group was moved back over records already captured: --as redelivery`,
    );
  }
  if (verdict.kind === 'redelivery') {
    const newer = batch.filter((item) => item.delivered.position > ledger.stagedThrough);
    return { ...skipCaptured(ledger, newer), restart: null };
  }
  const firstStaged = ledger.firstStaged;
  const captured =
    verdict.kind === 'backfill' && firstStaged !== null
      ? { from: firstStaged.position, through: ledger.stagedThrough, anchor: firstStaged }
      : null;
  const state = startGeneration(ledger, pathOf, captured);
  const from = verdict.kind === 'restart' ? verdict.from : 0;
  const first = batch[from];
  return {
    ...skipCaptured(state, batch.slice(from)),
    restart:
      first === undefined
        ? null
        : {
            partition: where.partition,
            kind: verdict.kind,
            previousGeneration: ledger.generation,
            generation: state.generation,
            previousStagedThrough: ledger.stagedThrough,
            firstPosition: first.delivered.position,
            evidence: verdict.evidence,
          },
  };
}

/**
 * Leaves out what an earlier generation of the same log captured (see `CapturedPositions`), unless
 * the record at that generation's first position turns out to be another record: then it is a new log
 * after all, and nothing is left out.
 */
function skipCaptured<T extends { readonly delivered: DeliveredPosition }>(
  state: PartitionLedger,
  candidates: readonly T[],
): { state: PartitionLedger; fresh: readonly T[] } {
  const captured = state.captured;
  if (captured === null) return { state, fresh: candidates };
  const atAnchor = candidates.find((item) => item.delivered.position === captured.anchor.position);
  if (atAnchor !== undefined && atAnchor.delivered.fingerprint() !== captured.anchor.fingerprint)
    return { state: { ...state, captured: null }, fresh: candidates };
  return {
    state,
    fresh: candidates.filter(
      ({ delivered }) => delivered.position < captured.from || delivered.position > captured.through,
    ),
  };
}
