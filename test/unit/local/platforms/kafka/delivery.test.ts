import { describe, expect, it } from 'vitest';
import type { FetchedRecord } from '../../../../../local/platforms/kafka/batches.js';
import {
  createCommitTracker,
  deliverBatch,
  invokeUntilAccepted,
  type RetryBackoff,
  retryDelayMs,
} from '../../../../../local/platforms/kafka/delivery.js';

const BACKOFF: RetryBackoff = { firstDelayMs: 5_000, maxDelayMs: 30_000 };

function fetchedRecord(partition: number, offset: number): FetchedRecord {
  return {
    partition,
    offset,
    timestamp: 0,
    timestampType: 'CREATE_TIME',
    key: null,
    value: Buffer.from('{}'),
    headers: [],
  };
}

/**
 * An in-memory stand-in for the function and the consumer group: the function fails a given number
 * of times, commits can be made to fail, and everything that happens is written to one journal.
 */
function fakeGroup(options: { failures?: number; commitFailures?: number } = {}) {
  const journal: string[] = [];
  const committed = new Map<number, number>();
  let failures = options.failures ?? 0;
  let commitFailures = options.commitFailures ?? 0;
  return {
    journal,
    committed,
    invoke: async () => {
      if (failures > 0) {
        failures -= 1;
        journal.push('invoke failed');
        throw new Error('storage unavailable');
      }
      journal.push('invoke accepted');
      return 'summary';
    },
    wait: async (ms: number) => {
      journal.push(`wait ${ms}`);
      return true;
    },
    commit: async (offsets: ReadonlyMap<number, number>) => {
      if (commitFailures > 0) {
        commitFailures -= 1;
        journal.push('commit failed');
        throw new Error('rebalance in progress');
      }
      journal.push(`commit ${[...offsets].map(([partition, offset]) => `${partition}@${offset}`).join(' ')}`);
      for (const [partition, offset] of offsets) committed.set(partition, offset);
    },
  };
}

describe('Function: retryDelayMs', () => {
  it.each([
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [4, 30_000],
    [9, 30_000],
  ])('waits %i retries later %i ms: doubling from the first wait up to the last', (retry, expected) => {
    // Act
    const delay = retryDelayMs(BACKOFF, retry);

    // Assess
    expect(delay).toBe(expected);
  });
});

describe('Function: invokeUntilAccepted', () => {
  it('invokes the same batch again after each failure, waiting longer each time, until it is accepted', async () => {
    // Prepare
    const group = fakeGroup({ failures: 3 });
    const failures: number[] = [];

    // Act
    const result = await invokeUntilAccepted(
      { invoke: group.invoke, wait: group.wait, onFailure: (_, retry) => failures.push(retry) },
      BACKOFF,
    );

    // Assess
    expect(result).toBe('summary');
    expect(failures).toEqual([1, 2, 3]);
    expect(group.journal).toEqual([
      'invoke failed',
      'wait 5000',
      'invoke failed',
      'wait 10000',
      'invoke failed',
      'wait 20000',
      'invoke accepted',
    ]);
  });

  it('gives up without another invocation when the runner stops during a wait', async () => {
    // Prepare
    const group = fakeGroup({ failures: 5 });

    // Act
    const result = await invokeUntilAccepted(
      { invoke: group.invoke, wait: async () => false, onFailure: () => {} },
      BACKOFF,
    );

    // Assess
    expect(result).toBeUndefined();
    expect(group.journal).toEqual(['invoke failed']);
  });
});

describe('Function: deliverBatch', () => {
  it('commits the offsets after the last record of each partition only once the function accepted the batch', async () => {
    // Prepare
    const group = fakeGroup({ failures: 2 });
    const commits = createCommitTracker(group.commit);
    const batch = [fetchedRecord(0, 10), fetchedRecord(3, 4), fetchedRecord(0, 11)];

    // Act
    const result = await deliverBatch(
      batch,
      { invoke: group.invoke, wait: group.wait, onFailure: () => {} },
      BACKOFF,
      commits,
      () => {},
    );

    // Assess
    expect(result).toBe('summary');
    expect(group.journal).toEqual([
      'invoke failed',
      'wait 5000',
      'invoke failed',
      'wait 10000',
      'invoke accepted',
      'commit 0@12 3@5',
    ]);
  });

  it('commits nothing for a batch the runner stopped retrying', async () => {
    // Prepare
    const group = fakeGroup({ failures: 1 });
    const commits = createCommitTracker(group.commit);

    // Act
    const result = await deliverBatch(
      [fetchedRecord(0, 0)],
      { invoke: group.invoke, wait: async () => false, onFailure: () => {} },
      BACKOFF,
      commits,
      () => {},
    );

    // Assess
    expect(result).toBeUndefined();
    expect(group.committed.size).toBe(0);
    expect(commits.pending).toBe(0);
  });

  it('keeps the offsets of a failed commit and sends them with the next batch', async () => {
    // Prepare
    const group = fakeGroup({ commitFailures: 1 });
    const commits = createCommitTracker(group.commit);
    const commitErrors: unknown[] = [];
    const deliver = (batch: FetchedRecord[]) =>
      deliverBatch(
        batch,
        { invoke: group.invoke, wait: group.wait, onFailure: () => {} },
        BACKOFF,
        commits,
        (error) => commitErrors.push(error),
      );

    // Act
    await deliver([fetchedRecord(0, 0), fetchedRecord(1, 0)]);
    const pendingAfterFailure = commits.pending;
    await deliver([fetchedRecord(1, 1)]);

    // Assess
    expect(commitErrors).toHaveLength(1);
    expect(pendingAfterFailure).toBe(2);
    expect(group.journal.at(-1)).toBe('commit 0@1 1@2');
    expect(commits.pending).toBe(0);
  });
});

describe('Function: createCommitTracker', () => {
  it('never moves a partition back when an older batch is accepted after a newer one', async () => {
    // Prepare
    const group = fakeGroup();
    const commits = createCommitTracker(group.commit);

    // Act
    commits.accept(new Map([[0, 20]]));
    commits.accept(new Map([[0, 15]]));
    await commits.flush();

    // Assess
    expect(group.committed.get(0)).toBe(20);
  });

  it('drops what is pending for partitions a rebalance took away', async () => {
    // Prepare
    const group = fakeGroup();
    const commits = createCommitTracker(group.commit);
    commits.accept(
      new Map([
        [0, 5],
        [1, 9],
      ]),
    );

    // Act
    commits.forget(new Set([1]));
    await commits.flush();

    // Assess
    expect(group.journal).toEqual(['commit 0@5']);
  });

  it('sends one commit at a time, the next with what is pending once the one before has landed', async () => {
    // Prepare: the broker answers each commit only when told to
    const sent: Map<number, number>[] = [];
    const answers: { resolve(): void; reject(error: Error): void }[] = [];
    const commits = createCommitTracker((offsets) => {
      sent.push(new Map(offsets));
      return new Promise<void>((resolve, reject) => answers.push({ resolve, reject }));
    });

    // Act: a second lane flushes while the first commit is still out; then the first fails
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    commits.accept(new Map([[0, 100]]));
    const first = commits.flush();
    await settle();
    commits.accept(new Map([[0, 200]]));
    const second = commits.flush();
    await settle();
    const sentBeforeAnswer = sent.length;
    answers[0]?.reject(new Error('coordinator moved'));
    await expect(first).rejects.toThrow('coordinator moved');
    await settle();
    answers[1]?.resolve();
    await second;

    // Assess: the second went only after the first, with the newer offset, and nothing stays pending
    expect(sentBeforeAnswer).toBe(1);
    expect(sent).toEqual([new Map([[0, 100]]), new Map([[0, 200]])]);
    expect(commits.pending).toBe(0);
  });

  it('sends nothing when nothing is pending', async () => {
    // Prepare
    const group = fakeGroup();
    const commits = createCommitTracker(group.commit);

    // Act
    await commits.flush();

    // Assess
    expect(group.journal).toEqual([]);
  });
});
