import { describe, expect, it } from 'vitest';
import {
  type BatchLimits,
  createBatchBuilder,
  type FetchedRecord,
  offsetsAfter,
} from '../../../../../local/platforms/kafka/batches.js';

function fetchedRecord(partition: number, offset: number, valueBytes = 10): FetchedRecord {
  return {
    partition,
    offset,
    timestamp: 1_795_262_400_000 + offset,
    timestampType: 'CREATE_TIME',
    key: null,
    value: Buffer.alloc(valueBytes, 'a'),
    headers: [],
  };
}

const limits = (overrides: Partial<BatchLimits> = {}): BatchLimits => ({
  maxRecords: 3,
  maxPayloadBytes: Number.POSITIVE_INFINITY,
  maxWaitMs: 1_000,
  payloadBytesOf: (record) => record.value?.length ?? 0,
  ...overrides,
});

const coordinates = (batch: FetchedRecord[] | null) =>
  batch?.map(({ partition, offset }) => [partition, offset]);

describe('Function: createBatchBuilder', () => {
  it('hands out a full batch at once, in the order read, and keeps the rest waiting', () => {
    // Prepare
    const batches = createBatchBuilder(limits());
    batches.add([fetchedRecord(0, 5), fetchedRecord(1, 7), fetchedRecord(0, 6), fetchedRecord(0, 7)], 0);

    // Act
    const batch = batches.takeDue(0);

    // Assess
    expect(coordinates(batch)).toEqual([
      [0, 5],
      [1, 7],
      [0, 6],
    ]);
    expect(batches.waiting).toBe(1);
  });

  it('says it is full once the waiting records fill a batch by count or by payload', () => {
    // Prepare
    const byCount = createBatchBuilder(limits({ maxRecords: 3 }));
    const byPayload = createBatchBuilder(limits({ maxRecords: 100, maxPayloadBytes: 25 }));

    // Act
    byCount.add([fetchedRecord(0, 0), fetchedRecord(0, 1)], 0);
    byPayload.add([fetchedRecord(0, 0), fetchedRecord(0, 1)], 0);
    const partial = [byCount.full, byPayload.full];
    byCount.add([fetchedRecord(0, 2)], 0);
    byPayload.add([fetchedRecord(0, 2)], 0);

    // Assess
    expect(partial).toEqual([false, false]);
    expect([byCount.full, byPayload.full]).toEqual([true, true]);
  });

  it('is not full with one record over the payload cap alone, and full once another waits behind it', () => {
    // Prepare
    const batches = createBatchBuilder(limits({ maxRecords: 100, maxPayloadBytes: 25 }));

    // Act
    batches.add([fetchedRecord(0, 0, 1_000)], 0);
    const alone = batches.full;
    batches.add([fetchedRecord(0, 1)], 0);

    // Assess
    expect(alone).toBe(false);
    expect(batches.full).toBe(true);
  });

  it('holds a partial batch until its first record has waited the maximum wait', () => {
    // Prepare
    const batches = createBatchBuilder(limits({ maxWaitMs: 1_000 }));
    batches.add([fetchedRecord(0, 0)], 10_000);
    batches.add([fetchedRecord(0, 1)], 10_600);

    // Act
    const early = batches.takeDue(10_999);
    const due = batches.takeDue(11_000);

    // Assess
    expect(early).toBeNull();
    expect(batches.dueAt()).toBeNull();
    expect(coordinates(due)).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it('says a full batch is due at once and a partial one when its wait ends', () => {
    // Prepare
    const partial = createBatchBuilder(limits({ maxWaitMs: 500 }));
    const full = createBatchBuilder(limits({ maxWaitMs: 500 }));

    // Act
    partial.add([fetchedRecord(0, 0)], 2_000);
    full.add([fetchedRecord(0, 0), fetchedRecord(0, 1), fetchedRecord(0, 2)], 2_000);

    // Assess
    expect(partial.dueAt()).toBe(2_500);
    expect(full.dueAt()).toBe(2_000);
  });

  it('starts the wait of the records left behind when a batch goes', () => {
    // Prepare
    const batches = createBatchBuilder(limits({ maxRecords: 2, maxWaitMs: 1_000 }));
    batches.add([fetchedRecord(0, 0), fetchedRecord(0, 1), fetchedRecord(0, 2)], 0);

    // Act
    batches.takeDue(50);

    // Assess
    expect(batches.takeDue(1_049)).toBeNull();
    expect(coordinates(batches.takeDue(1_050))).toEqual([[0, 2]]);
  });

  it('cuts a batch before the record that would pass the payload cap', () => {
    // Prepare
    const batches = createBatchBuilder(limits({ maxRecords: 10, maxPayloadBytes: 250 }));
    batches.add([fetchedRecord(0, 0, 100), fetchedRecord(0, 1, 100), fetchedRecord(1, 0, 100)], 0);

    // Act
    const batch = batches.takeDue(0);

    // Assess
    expect(coordinates(batch)).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it('sends a record larger than the payload cap alone rather than never', () => {
    // Prepare
    const batches = createBatchBuilder(limits({ maxRecords: 10, maxPayloadBytes: 250 }));
    batches.add([fetchedRecord(0, 0, 1_000), fetchedRecord(0, 1, 10)], 0);

    // Act
    const batch = batches.takeDue(0);

    // Assess
    expect(coordinates(batch)).toEqual([[0, 0]]);
  });

  it('forgets every waiting record when cleared after a rebalance', () => {
    // Prepare
    const batches = createBatchBuilder(limits());
    batches.add([fetchedRecord(0, 0), fetchedRecord(1, 0)], 0);

    // Act
    batches.clear();

    // Assess
    expect(batches.waiting).toBe(0);
    expect(batches.dueAt()).toBeNull();
    expect(batches.takeDue(60_000)).toBeNull();
  });
});

describe('Function: offsetsAfter', () => {
  it('commits, per partition, the offset after the last record of the batch', () => {
    // Act
    const offsets = offsetsAfter([
      fetchedRecord(2, 40),
      fetchedRecord(0, 7),
      fetchedRecord(2, 41),
      fetchedRecord(2, 43),
    ]);

    // Assess
    expect([...offsets]).toEqual([
      [2, 44],
      [0, 8],
    ]);
  });
});
