import { TransientStoreError } from '../errors.js';
import type { PartitionLedger } from '../ledger.js';
import type { CaptureContext } from './context.js';
import { ledgerCacheOf } from './ledgerCache.js';

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
 *
 * The read comes from this instance's cache of the ledger it last wrote (see `ledgerCacheOf`) when it
 * has one. A cached ledger is only ever the basis of a compare-and-set against its own version, which
 * fails if anyone wrote since; a decision that writes nothing (null) or refuses (throws) from a cached
 * ledger is taken again from a fresh read, since no write validated it.
 */
export async function updateLedger(
  context: CaptureContext,
  partition: string,
  decide: (state: PartitionLedger) => PartitionLedger | null | Promise<PartitionLedger | null>,
  /** Called once when the partition has no ledger yet, before `decide`: it may refuse by throwing. */
  onMissing?: () => Promise<void>,
): Promise<LedgerUpdate> {
  const { store, topic } = context;
  const cache = ledgerCacheOf(store.ledger);
  let missingChecked = false;
  for (let attempt = 0; attempt < LEDGER_ATTEMPTS; ) {
    const cached = cache.get(topic.name, partition);
    const { state, version } = cached ?? (await readFresh(context, partition));
    if (version === null && onMissing !== undefined && !missingChecked) {
      await onMissing();
      missingChecked = true;
    }
    let next: PartitionLedger | null;
    try {
      next = await decide(state);
    } catch (error) {
      if (cached === undefined) throw error;
      cache.forget(topic.name, partition);
      continue;
    }
    if (next === null) {
      if (cached === undefined) return { state, conflicts: attempt };
      cache.forget(topic.name, partition);
      continue;
    }
    let written: string | null;
    try {
      written = await store.ledger.write(topic.name, partition, next, version);
    } catch (error) {
      // The write may have happened or not: only the store can say.
      cache.forget(topic.name, partition);
      throw error;
    }
    if (written !== null) {
      cache.set(topic.name, partition, { state: next, version: written });
      return { state: next, conflicts: attempt };
    }
    cache.forget(topic.name, partition);
    await backoff(attempt);
    attempt += 1;
  }
  throw new TransientStoreError(
    `ledger of ${topic.name}/${partition} kept changing under ${LEDGER_ATTEMPTS} attempts; the batch will be retried`,
  );
}

/** Reads the ledger from the store, and remembers it: what the store said is the best basis there is. */
async function readFresh(context: CaptureContext, partition: string) {
  const { store, topic } = context;
  const fresh = await store.ledger.read(topic.name, partition);
  if (fresh.version !== null) ledgerCacheOf(store.ledger).set(topic.name, partition, fresh);
  return fresh;
}

/** Jittered, so two writers that collided do not collide again in step. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
