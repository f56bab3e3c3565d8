import { closeMinutes, timerSealFrontier } from '../ledger.js';
import type { CaptureContext } from './context.js';
import { publishPending, updateLedger } from './publishPending.js';
import { addSummary, type CaptureSummary, emptySummary } from './summary.js';

/**
 * The seal timer: closes the minutes of partitions that no new record will close (idle partitions,
 * the last minute before a pause) and finishes any sealing a crashed invocation left pending.
 */
export async function sealIdlePartitions(context: CaptureContext): Promise<CaptureSummary> {
  const partitions = await context.store.ledger.partitions(context.topic.name);
  const parts = await Promise.all(partitions.map((partition) => sealPartition(context, partition)));
  return parts.reduce(addSummary, emptySummary());
}

async function sealPartition(context: CaptureContext, partition: string): Promise<CaptureSummary> {
  const sealDelayMs = context.topic.sealDelaySeconds * 1000;
  const now = context.clock();
  let pending = [] as Parameters<typeof publishPending>[2];
  const conflicts = await updateLedger(context, partition, (state) => {
    pending = state.pending;
    const frontier = timerSealFrontier(state, now, sealDelayMs);
    if (frontier === null) return null;
    const next = closeMinutes(state, frontier);
    pending = next.pending;
    return next === state ? null : next;
  });
  const published = await publishPending(context, partition, pending);
  const summary = emptySummary();
  summary.partitions = 1;
  summary.objectsSealed = published.created;
  summary.lateObjectsSealed = published.lateCreated;
  summary.ledgerConflicts = conflicts + published.conflicts;
  return summary;
}
