import { type FetchedRecord, offsetsAfter } from './batches.js';

/** The waits between attempts at one batch: doubling from the first, never longer than the last. */
export interface RetryBackoff {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

/** The wait before retry number `retry` (1 for the first retry). */
export function retryDelayMs(backoff: RetryBackoff, retry: number): number {
  return Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** (retry - 1));
}

export interface DeliveryAttempts<Result> {
  /** Calls the function with the batch; a throw is a failed invocation. */
  invoke(): Promise<Result>;
  /** Waits `ms` before the next attempt; resolves false when the runner is stopping instead. */
  wait(ms: number): Promise<boolean>;
  /** Told of each failure before its wait, to show it. */
  onFailure(error: unknown, retry: number, delayMs: number): void;
}

/**
 * Invokes the function with one batch until it accepts the batch, as both platforms do when
 * configured to hold a partition (Azure: `maxRetryCount: -1` with `commitOnFailure: false`; Lambda:
 * a failed batch blocks its partitions). Nothing behind the batch is read into an invocation
 * meanwhile, so the partition waits. Returns undefined when the runner stops first; the batch then
 * stays uncommitted and comes again on the next start.
 */
export async function invokeUntilAccepted<Result>(
  attempts: DeliveryAttempts<Result>,
  backoff: RetryBackoff,
): Promise<Result | undefined> {
  for (let retry = 1; ; retry += 1) {
    try {
      return await attempts.invoke();
    } catch (error) {
      const delayMs = retryDelayMs(backoff, retry);
      attempts.onFailure(error, retry, delayMs);
      if (!(await attempts.wait(delayMs))) return undefined;
    }
  }
}

/** Commits partition offsets for the consumer group: `offset` is the next record to read. */
export type CommitOffsets = (offsets: ReadonlyMap<number, number>) => Promise<void>;

export interface CommitTracker {
  /** Offsets of a batch the function accepted; they are sent by the next `flush`. */
  accept(offsets: ReadonlyMap<number, number>): void;
  /** Commits everything accepted so far; on failure the offsets stay pending and the error is thrown. */
  flush(): Promise<void>;
  /** Drops what is pending for partitions this consumer no longer owns: their new owner commits them. */
  forget(revoked: ReadonlySet<number>): void;
  /** Partitions whose accepted offsets are not committed yet. */
  readonly pending: number;
}

/**
 * Offsets are committed only once the function has accepted a batch. A commit that fails is not
 * retried on its own: it stays pending and goes with the next one, which names later positions of the
 * same partitions. Until then a restart delivers those records again, and the pipeline writes them
 * under the same names, so a lost commit costs time, never records.
 */
export function createCommitTracker(commit: CommitOffsets): CommitTracker {
  const pending = new Map<number, number>();
  /**
   * One commit at a time: two in flight could land out of order (a client that rejoins the group
   * sends its commit again), leaving the group at the older offset with nothing left pending.
   */
  let inFlight: Promise<void> = Promise.resolve();
  const send = async () => {
    if (pending.size === 0) return;
    const sending = new Map(pending);
    await commit(sending);
    for (const [partition, offset] of sending) {
      if (pending.get(partition) === offset) pending.delete(partition);
    }
  };
  return {
    accept(offsets) {
      for (const [partition, offset] of offsets) {
        pending.set(partition, Math.max(pending.get(partition) ?? 0, offset));
      }
    },
    flush() {
      // Each flush waits for the one before, whatever its outcome, then sends what is pending by then.
      const flushed = inFlight.catch(() => {}).then(send);
      inFlight = flushed;
      return flushed;
    },
    forget(revoked) {
      for (const partition of revoked) pending.delete(partition);
    },
    get pending() {
      return pending.size;
    },
  };
}

/**
 * One batch through the function and into the group's offsets: invoked until accepted, then its
 * offsets committed. Returns the function's result, or undefined when the runner stopped first (the
 * batch then stays uncommitted). A failed commit is reported and stays pending in `commits`.
 */
export async function deliverBatch<Result>(
  batch: readonly FetchedRecord[],
  attempts: DeliveryAttempts<Result>,
  backoff: RetryBackoff,
  commits: CommitTracker,
  onCommitFailure: (error: unknown) => void,
): Promise<Result | undefined> {
  const result = await invokeUntilAccepted(attempts, backoff);
  if (result === undefined) return undefined;
  commits.accept(offsetsAfter(batch));
  await commits.flush().catch(onCommitFailure);
  return result;
}
