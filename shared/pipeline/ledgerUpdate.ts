import { TransientStoreError } from '../errors.js';
import type { PartitionLedger } from '../ledger.js';
import type { CaptureContext } from './context.js';

/** Attempts at a ledger compare-and-set before the invocation gives up and lets the platform retry. */
const LEDGER_ATTEMPTS = 8;

export interface LedgerUpdate {
  /** The ledger in force afterwards: what this call wrote, or what it read when nothing was to change. */
  readonly state: PartitionLedger;
  /** Compare-and-set conflicts met on the way (other writers: a redelivery, the seal timer). */
  readonly conflicts: number;
}

/**
 * Read, decide, compare-and-set, and again from a fresh read when another writer came first.
 * `decide` returns null when there is nothing to change; it may do work (staging) before deciding,
 * which must be safe to repeat.
 */
export async function updateLedger(
  context: CaptureContext,
  partition: string,
  decide: (state: PartitionLedger) => PartitionLedger | null | Promise<PartitionLedger | null>,
  /** Called once when the partition has no ledger yet, before `decide`: it may refuse by throwing. */
  onMissing?: () => Promise<void>,
): Promise<LedgerUpdate> {
  const { store, topic } = context;
  let missingChecked = false;
  for (let attempt = 0; attempt < LEDGER_ATTEMPTS; attempt++) {
    const { state, version } = await store.ledger.read(topic.name, partition);
    if (version === null && onMissing !== undefined && !missingChecked) {
      await onMissing();
      missingChecked = true;
    }
    const next = await decide(state);
    if (next === null) return { state, conflicts: attempt };
    if (await store.ledger.write(topic.name, partition, next, version))
      return { state: next, conflicts: attempt };
    await backoff(attempt);
  }
  throw new TransientStoreError(
    `ledger of ${topic.name}/${partition} kept changing under ${LEDGER_ATTEMPTS} attempts; the batch will be retried`,
  );
}

/** Jittered, so two writers that collided do not collide again in step. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
