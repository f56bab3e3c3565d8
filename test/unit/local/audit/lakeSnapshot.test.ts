import { describe, expect, it } from 'vitest';
import { firstDifference, type LakeSnapshot } from '../../../../local/audit/lakeSnapshot.js';
import { EMPTY_LEDGER } from '../../../../shared/ledger.js';

const RAW = 'raw/orders/2026/11/21/12/01/0-00000000000000000000.jsonl.gz';
const PARQUET = 'compacted/orders/date=2026-11-21/hour=12/part-all-0-0-0123456789abcdef.parquet';

function snapshot(objects: Record<string, string>, closedThrough: number | null = 29_360_000): LakeSnapshot {
  return {
    objects: new Map(Object.entries(objects).map(([path, text]) => [path, Buffer.from(text)])),
    ledgers: new Map([['0', { ...EMPTY_LEDGER, closedThrough }]]),
  };
}

describe('Function: firstDifference', () => {
  it('finds nothing between equal snapshots', () => {
    // Act and Assess
    expect(
      firstDifference(snapshot({ [RAW]: 'a', [PARQUET]: 'b' }), snapshot({ [RAW]: 'a', [PARQUET]: 'b' })),
    ).toBeNull();
  });

  it.each([
    [
      'a missing raw object before the compacted file it changed',
      { [PARQUET]: 'other' },
      `${RAW} is missing`,
    ],
    [
      'an extra object',
      { [RAW]: 'a', [PARQUET]: 'b', [`${RAW}.x`]: 'c' },
      `${RAW}.x is there, but not after the run without crashes`,
    ],
    [
      'changed bytes, and where',
      { [RAW]: 'a', [PARQUET]: 'bX' },
      `${PARQUET} holds 2 bytes, expected 1, first different at byte 1`,
    ],
  ])('names %s', (_what, objects, difference) => {
    // Act and Assess
    expect(firstDifference(snapshot({ [RAW]: 'a', [PARQUET]: 'b' }), snapshot(objects))).toBe(difference);
  });

  it('compares the ledgers field by field once the objects agree', () => {
    // Act and Assess
    expect(firstDifference(snapshot({ [RAW]: 'a' }), snapshot({ [RAW]: 'a' }, 29_360_001))).toBe(
      'the ledger of partition 0 has closedThrough 29360001, expected 29360000',
    );
  });
});
