import { CaptureError } from '../errors.js';
import { closeMinutes, timerSealFrontier } from '../ledger.js';
import { objectPathOf } from '../paths/lakePaths.js';
import type { CaptureContext } from './context.js';
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
  return results
    .map((result) => (result.status === 'fulfilled' ? result.value : emptySummary()))
    .reduce(addSummary, emptySummary());
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
