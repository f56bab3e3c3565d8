import { describe, expect, it } from 'vitest';
import { partitionFreshness } from '../../../../local/console/partitionFreshness.js';
import { EMPTY_LEDGER } from '../../../../shared/ledger.js';

const NOW = Date.UTC(2026, 10, 21, 12, 10);

describe('Function: partitionFreshness', () => {
  it('measures a partition that has staged nothing as having no lag figures, not as zero', () => {
    // Act
    const [row] = partitionFreshness(new Map([['3', EMPTY_LEDGER]]), NOW);

    // Assess
    expect(row).toEqual({
      partition: '3',
      generation: 0,
      newestRecord: null,
      sealedThrough: null,
      behindSeconds: null,
      sealedBehindSeconds: null,
      openRecords: 0,
      pendingObjects: 0,
    });
  });

  it('never gives a negative lag for a record timed ahead of the viewer’s clock', () => {
    // Prepare
    const ledger = { ...EMPTY_LEDGER, maxRecordTime: NOW + 30_000, closedThrough: NOW / 60_000 };

    // Act
    const [row] = partitionFreshness(new Map([['0', ledger]]), NOW);

    // Assess
    expect(row?.behindSeconds).toBe(0);
    expect(row?.sealedBehindSeconds).toBe(0);
    expect(row?.sealedThrough).toBe('2026-11-21T12:11:00.000Z');
  });
});
