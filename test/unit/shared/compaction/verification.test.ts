import { describe, expect, it } from 'vitest';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import type { CoveredRawObject } from '../../../../shared/compaction/unitReport.js';
import { assertDisjointPositions } from '../../../../shared/compaction/verification.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { readCompactedRows } from '../../../helpers/compactedLake.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { freshFsStore } from '../../../helpers/freshStores.js';

const at = (minute: number, second = 0) => Date.UTC(2026, 10, 21, 12, minute, second);

function covered(path: string, firstPosition: number, lastPosition: number): CoveredRawObject {
  return { path, partition: '0', rows: lastPosition - firstPosition + 1, firstPosition, lastPosition };
}

describe('Function: assertDisjointPositions', () => {
  it('lets objects of different minutes interleave, as records placed by their own time do', () => {
    // Prepare: minute 03 holds positions 6, 7 and 9; the late object of minute 00 holds 8
    const minute3 = covered('raw/orders/2026/11/21/12/03/0-00000000000000000006.jsonl.gz', 6, 9);
    const late = covered('raw/orders/2026/11/21/12/00/0-00000000000000000008.late.jsonl.gz', 8, 8);

    // Act and Assess
    expect(() => assertDisjointPositions([minute3, late], [], 'compaction')).not.toThrow();
  });

  it('rejects objects of one minute whose positions overlap, this run against an earlier unit too', () => {
    // Prepare
    const main = covered('raw/orders/2026/11/21/12/00/0-00000000000000000000.jsonl.gz', 0, 5);
    const late = covered('raw/orders/2026/11/21/12/00/0-00000000000000000004.late.jsonl.gz', 4, 4);

    // Act and Assess
    expect(() => assertDisjointPositions([late], [main], 'compaction')).toThrow(
      /overlap; nothing is published/,
    );
  });
});

describe('Function: compactClosedHours (positions out of time order)', () => {
  it('compacts an hour whose late record arrived between two records of a minute still open', async () => {
    // Prepare
    const store = await freshFsStore();
    const topic = topicConfig({ jsonl: { envelope: true } });
    const deliver = (now: number, times: number[], first: number) =>
      ingestBatch(
        { topic, store, clock: () => now },
        times.map((brokerTime, index) => makeRecord({ position: first + index, brokerTime })),
      );
    await deliver(at(0, 40), [at(0, 10), at(0, 20)], 0);
    await deliver(at(3, 30), [at(3, 0), at(3, 20)], 2);
    // Position 4 is for 12:00, sealed by now; position 5 is for 12:03, still open.
    await deliver(at(5), [at(0, 50), at(3, 50)], 4);
    await sealIdlePartitions({ topic, store, clock: () => at(65) });

    // Act
    const summary = await compactClosedHours({ topic, store, clock: () => at(70) }, { lookbackHours: 1 });

    // Assess
    expect(summary).toMatchObject({ hoursCompacted: 1, rowsWritten: 6 });
    const rows = await readCompactedRows(store.objects, topic.name);
    expect(rows.map((row) => Number(row._position)).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
