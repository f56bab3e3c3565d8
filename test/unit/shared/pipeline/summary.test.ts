import { describe, expect, it } from 'vitest';
import {
  addSummary,
  type CaptureSummary,
  emptySummary,
  withPartitionFigures,
} from '../../../../shared/pipeline/summary.js';
import { invocationLogRecord } from '../../../../shared/telemetry.js';

/** A one-partition summary as ingestPartition or sealPartition builds it. */
const partitionSummary = (partition: string, figures: Partial<CaptureSummary>): CaptureSummary =>
  withPartitionFigures(partition, { ...emptySummary(), partitions: 1, ...figures });

describe('Function: addSummary', () => {
  it('keeps each partition apart, adds a partition seen twice and takes the larger lag', () => {
    // Prepare
    const parts = [
      partitionSummary('0', {
        records: 3,
        bytesIn: 30,
        bytesOut: 12,
        lagMs: 500,
        deadLetters: { 'invalid-json': 1 },
      }),
      partitionSummary('1', { records: 2, bytesIn: 20, bytesOut: 9, lagMs: 9000 }),
      partitionSummary('0', { objectsSealed: 2, lateObjectsSealed: 1, lagMs: null }),
      partitionSummary('0', { records: 1, bytesIn: 10, bytesOut: 5, lagMs: 800 }),
    ];

    // Act
    const total = parts.reduce(addSummary, emptySummary());

    // Assess
    expect(total.byPartition).toEqual({
      '0': {
        records: 4,
        bytesIn: 40,
        bytesOut: 17,
        objectsSealed: 2,
        lateObjectsSealed: 1,
        deadLetters: 1,
        lagMs: 800,
      },
      '1': {
        records: 2,
        bytesIn: 20,
        bytesOut: 9,
        objectsSealed: 0,
        lateObjectsSealed: 0,
        deadLetters: 0,
        lagMs: 9000,
      },
    });
    expect(total).toMatchObject({ records: 6, bytesIn: 60, partitions: 4, lagMs: 9000 });
    expect(parts[0]?.byPartition['0']?.records).toBe(3);
  });
});

describe('Function: invocationLogRecord', () => {
  it('lists partitions as { partition, ...figures } and leaves out those that did nothing', () => {
    // Prepare
    const summary = [
      partitionSummary('4', { records: 2, bytesIn: 8, bytesOut: 6, lagMs: 1200 }),
      partitionSummary('5', {}),
      partitionSummary('6', { objectsSealed: 1 }),
    ].reduce(addSummary, emptySummary());

    // Act
    const line = invocationLogRecord('seal-timer', 'orders', summary, 12.4);

    // Assess
    expect(line).toMatchObject({ event: 'capture.invocation', partitions: 3, records: 2, lagMs: 1200 });
    expect(line.byPartition).toEqual([
      {
        partition: '4',
        records: 2,
        bytesIn: 8,
        bytesOut: 6,
        objectsSealed: 0,
        lateObjectsSealed: 0,
        deadLetters: 0,
        lagMs: 1200,
      },
      {
        partition: '6',
        records: 0,
        bytesIn: 0,
        bytesOut: 0,
        objectsSealed: 1,
        lateObjectsSealed: 0,
        deadLetters: 0,
        lagMs: null,
      },
    ]);
  });
});
