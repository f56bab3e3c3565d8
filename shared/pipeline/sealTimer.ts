import { CaptureError } from '../errors.js';
import { closeMinutes, timerSealFrontier } from '../ledger.js';
import { objectPathOf } from '../paths/lakePaths.js';
import { minuteOf } from '../time.js';
import type { CaptureContext } from './context.js';
import { findLostLedgers } from './ledgerLoss.js';
import { updateLedger } from './ledgerUpdate.js';
import { publishPending } from './publishPending.js';
import { addSummary, type CaptureSummary, emptySummary, withPartitionFigures } from './summary.js';

/**
 * The seal timer: closes the minutes of partitions that no new record will close (idle partitions,
 * the last minute before a pause) and finishes any sealing a crashed invocation left pending. One
 * partition's failure does not keep the others from being sealed; the run still fails afterwards,
 * so the failure is seen and the next run tries again.
 */
export async function sealIdlePartitions(context: CaptureContext): Promise<CaptureSummary> {
  const partitions = await context.store.ledger.partitions(context.topic.name);
  // Once an hour, the timer also looks for staging that no ledger names (see `findLostLedgers`).
  const ledgersLost = isLostLedgerCheckDue(context.clock()) ? await findLostLedgers(context, partitions) : [];
  const results = await Promise.allSettled(partitions.map((partition) => sealPartition(context, partition)));
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  if (failures.length > 0) {
    const [first] = failures;
    throw new CaptureError(
      `seal timer: ${failures.length} of ${partitions.length} partitions failed; first: ${String(first)}`,
      {
        retriable: failures.every((failure) => !(failure instanceof CaptureError) || failure.retriable),
        cause: first,
      },
    );
  }
  const total = results
    .map((result) => (result.status === 'fulfilled' ? result.value : emptySummary()))
    .reduce(addSummary, emptySummary());
  total.ledgersLost = ledgersLost;
  return total;
}

/** The minute of the hour the check runs in: one timer run an hour (they run every minute). */
const LOST_LEDGER_CHECK_MINUTE = 5;

function isLostLedgerCheckDue(now: number): boolean {
  return minuteOf(now) % 60 === LOST_LEDGER_CHECK_MINUTE;
}

async function sealPartition(context: CaptureContext, partition: string): Promise<CaptureSummary> {
  const sealDelayMs = context.topic.sealDelaySeconds * 1000;
  const now = context.clock();
  const pathOf = objectPathOf(context.topic, partition);
  const { state, conflicts } = await updateLedger(context, partition, (current) => {
    const frontier = timerSealFrontier(current, now, sealDelayMs);
    if (frontier === null) return null;
    const next = closeMinutes(current, frontier, pathOf);
    return next === current ? null : next;
  });
  const published = await publishPending(context, partition, state.pending);
  const summary = emptySummary();
  summary.partitions = 1;
  summary.objectsSealed = published.created;
  summary.lateObjectsSealed = published.lateCreated;
  summary.ledgerConflicts = conflicts + published.conflicts;
  return withPartitionFigures(partition, summary);
}
