import { forgetPublished, type PendingObject } from '../ledger.js';
import { stagingPath } from '../naming.js';
import type { CaptureContext } from './context.js';
import { updateLedger } from './ledgerUpdate.js';

/**
 * Makes decided objects visible, then forgets them in the ledger, then removes their staged
 * segments, in that order, so a crash at any point leaves work the next call finishes: publishing
 * again finds the object and leaves it alone; the staged segments outlive every ledger entry that
 * names them.
 */
export async function publishPending(
  context: CaptureContext,
  partition: string,
  pending: readonly PendingObject[],
): Promise<{ created: number; lateCreated: number; conflicts: number }> {
  if (pending.length === 0) return { created: 0, lateCreated: 0, conflicts: 0 };
  const { topic, store } = context;
  const stagedOf = (object: PendingObject) =>
    object.segments.map((segment) => stagingPath(topic.name, partition, segment));
  const outcomes = await Promise.all(
    pending.map((object) => store.objects.publish(object.path, stagedOf(object))),
  );
  const { conflicts } = await updateLedger(context, partition, (state) => {
    const next = forgetPublished(state, pending);
    return next.pending.length === state.pending.length ? null : next;
  });
  await store.objects.deleteStaged(pending.flatMap(stagedOf));
  const created = outcomes.filter((outcome) => outcome === 'created').length;
  const lateCreated = pending.filter((object, index) => object.late && outcomes[index] === 'created').length;
  return { created, lateCreated, conflicts };
}
