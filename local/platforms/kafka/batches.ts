/** One Kafka header: a text name and a value of bytes (null is allowed). Names may repeat. */
export interface FetchedHeader {
  readonly name: string;
  readonly value: Buffer | null;
}

/** One record as the broker returned it: the coordinates and bytes both platform triggers pass on. */
export interface FetchedRecord {
  readonly partition: number;
  readonly offset: number;
  /** Epoch milliseconds; -1 when the producer set none. */
  readonly timestamp: number;
  readonly timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  readonly key: Buffer | null;
  /** null is a tombstone. */
  readonly value: Buffer | null;
  readonly headers: readonly FetchedHeader[];
}

/** How the trigger cuts its batches: by count, by invocation payload and by time. */
export interface BatchLimits {
  /** Azure: `maxBatchSize`; Lambda: the event source mapping's `BatchSize`. */
  readonly maxRecords: number;
  /** The invocation payload cap (Lambda: 6 MB of event); Infinity where the platform has none. */
  readonly maxPayloadBytes: number;
  /** Longest a record waits for its batch to fill (Azure: `subscriberIntervalInSeconds`; Lambda: `MaximumBatchingWindowInSeconds`). */
  readonly maxWaitMs: number;
  /** What one record adds to the invocation payload, in the platform's encoding. */
  readonly payloadBytesOf: (record: FetchedRecord) => number;
}

export interface BatchBuilder {
  /** Records read from the broker, in the order read: each partition's in offset order. */
  add(records: readonly FetchedRecord[], now: number): void;
  /** The next batch if one is due (full, or its oldest record has waited `maxWaitMs`), else null. */
  takeDue(now: number): FetchedRecord[] | null;
  /** When the waiting records are due, or null when none wait. */
  dueAt(): number | null;
  /** Forgets every waiting record: after a rebalance the partitions are read again from their committed offsets. */
  clear(): void;
  /** How many records wait. */
  readonly waiting: number;
  /** Whether the waiting records fill a batch: by count, or by the invocation payload cap. */
  readonly full: boolean;
}

/**
 * Collects fetched records into invocation batches the way the platform triggers do: a batch goes
 * as soon as it is full, or when its first record has waited the maximum wait. A batch may hold
 * records of several partitions (both the Azure Kafka extension and Lambda deliver such batches) and
 * keeps each partition's records in order.
 */
export function createBatchBuilder(limits: BatchLimits): BatchBuilder {
  let queue: FetchedRecord[] = [];
  let waitingSince: number | null = null;

  /** How many of the waiting records fit one batch, and whether that batch is full. */
  const nextBatch = (): { count: number; full: boolean } => {
    let payload = 0;
    let count = 0;
    for (const record of queue) {
      if (count === limits.maxRecords) return { count, full: true };
      const bytes = limits.payloadBytesOf(record);
      // A record larger than the cap on its own still goes, alone: the platform would fail that
      // invocation, and the handler's own checks (maxRecordBytes) decide what becomes of it.
      if (count > 0 && payload + bytes > limits.maxPayloadBytes) return { count, full: true };
      payload += bytes;
      count += 1;
    }
    return { count, full: count === limits.maxRecords };
  };

  return {
    add(records, now) {
      if (records.length === 0) return;
      queue = queue.length === 0 ? [...records] : queue.concat(records);
      waitingSince ??= now;
    },
    takeDue(now) {
      if (waitingSince === null) return null;
      const { count, full } = nextBatch();
      if (!full && now - waitingSince < limits.maxWaitMs) return null;
      const batch = queue.slice(0, count);
      queue = queue.slice(count);
      waitingSince = queue.length === 0 ? null : now;
      return batch;
    },
    dueAt() {
      if (waitingSince === null) return null;
      return nextBatch().full ? waitingSince : waitingSince + limits.maxWaitMs;
    },
    clear() {
      queue = [];
      waitingSince = null;
    },
    get waiting() {
      return queue.length;
    },
    get full() {
      return nextBatch().full;
    },
  };
}

/** What a successful batch lets the consumer commit: per partition, the offset after its last record. */
export function offsetsAfter(batch: readonly FetchedRecord[]): Map<number, number> {
  const next = new Map<number, number>();
  for (const record of batch) {
    next.set(record.partition, Math.max(next.get(record.partition) ?? 0, record.offset + 1));
  }
  return next;
}
