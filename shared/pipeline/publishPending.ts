import { lateBeyondLookback, markLateObject } from '../compaction/lateMarkers.js';
import { objectHeaderOf } from '../encode/captureContainer.js';
import { forgetPublished, type PendingObject } from '../ledger.js';
import { stagingPath } from '../paths/lakePaths.js';
import type { CaptureContext } from './context.js';
import { updateLedger } from './ledgerUpdate.js';

/**
 * Makes decided objects visible, then forgets them in the ledger, then removes their staged
 * segments, in that order, so a crash at any point leaves work the next call finishes: publishing
 * again finds the object and leaves it alone; the staged segments outlive every ledger entry that
 * names them. An object whose format needs a header (Avro) has it staged first, under a name and
 * with bytes that depend only on the object, so a crash between staging it and publishing is
 * harmless: the next call stages the same file again. A late object of an hour older than
 * compaction's lookback is marked for compaction first (see `markLateObject`).
 */
export async function publishPending(
  context: CaptureContext,
  partition: string,
  pending: readonly PendingObject[],
): Promise<{ created: number; lateCreated: number; conflicts: number }> {
  if (pending.length === 0) return { created: 0, lateCreated: 0, conflicts: 0 };
  const { topic, store } = context;
  // An object's header (Avro's) is staged beside its segments, goes first, and is deleted with them.
  const headers = new Map(pending.map((object) => [object, objectHeaderOf(topic.name, partition, object)]));
  const stagedOf = (object: PendingObject) => {
    const segments = object.segments.map((segment) => stagingPath(topic.name, partition, segment));
    const header = headers.get(object);
    return header ? [header.path, ...segments] : segments;
  };
  const now = context.clock();
  const outcomes = await Promise.all(
    pending.map(async (object) => {
      const header = headers.get(object);
      if (header) await store.objects.stage(header.path, header.bytes);
      // Compaction looks back a day; an older hour's late object sends it there with a marker.
      if (object.kind === 'data' && object.late && lateBeyondLookback(object.minute, now)) {
        await markLateObject(store.objects, topic.name, object.path, object.minute);
      }
      return store.objects.publish(object.path, stagedOf(object));
    }),
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
