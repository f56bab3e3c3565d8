import { TransientStoreError } from '../errors.js';
import { forgetPublished, type PartitionLedger, type PendingObject } from '../ledger.js';
import { objectPath, stagingPath } from '../naming.js';
import type { CaptureContext } from './context.js';

/** Attempts at a ledger compare-and-set before the invocation gives up and lets the platform retry. */
export const LEDGER_ATTEMPTS = 8;

export interface PublishResult {
  readonly created: number;
  readonly lateCreated: number;
  readonly conflicts: number;
}

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
): Promise<PublishResult> {
  if (pending.length === 0) return { created: 0, lateCreated: 0, conflicts: 0 };
  const { topic, store } = context;
  const outcomes = await Promise.all(
    pending.map((object) =>
      store.objects.publish(
        objectPath(topic, { ...object, partition, first: object.segments[0]?.first ?? 0 }),
        object.segments.map((segment) => stagingPath(topic.name, partition, segment)),
      ),
    ),
  );
  const conflicts = await updateLedger(context, partition, (state) => {
    const next = forgetPublished(state, pending);
    return next.pending.length === state.pending.length ? null : next;
  });
  await store.objects.deleteStaged(
    pending.flatMap((object) =>
      object.segments.map((segment) => stagingPath(topic.name, partition, segment)),
    ),
  );
  const created = outcomes.filter((outcome) => outcome === 'created').length;
  const lateCreated = pending.filter((object, index) => object.late && outcomes[index] === 'created').length;
  return { created, lateCreated, conflicts };
}

/**
 * Read, decide, compare-and-set, again on conflict. `decide` returns null when there is nothing to
 * change. Returns how many conflicts were met.
 */
export async function updateLedger(
  context: CaptureContext,
  partition: string,
  decide: (state: PartitionLedger) => PartitionLedger | null,
): Promise<number> {
  const { store, topic } = context;
  for (let attempt = 0; attempt < LEDGER_ATTEMPTS; attempt++) {
    const { state, version } = await store.ledger.read(topic.name, partition);
    const next = decide(state);
    if (next === null) return attempt;
    if (await store.ledger.write(topic.name, partition, next, version)) return attempt;
    await backoff(attempt);
  }
  throw new TransientStoreError(
    `ledger of ${topic.name}/${partition} kept changing under ${LEDGER_ATTEMPTS} attempts; the batch will be retried`,
  );
}

/** Jittered, so two writers that collided do not collide again in step. */
export function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
