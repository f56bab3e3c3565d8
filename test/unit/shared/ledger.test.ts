import { describe, expect, it } from 'vitest';
import {
  closeMinutes,
  EMPTY_LEDGER,
  forgetPublished,
  ingestionSealFrontier,
  type LedgerSegment,
  MAX_OPEN_SEGMENTS,
  type ObjectDecision,
  type PartitionLedger,
  recordStaged,
  timerSealFrontier,
} from '../../../shared/ledger.js';
import { MINUTE_MS } from '../../../shared/time.js';

const M = 29_000_000; // a minute index in 2025
const segment = (minute: number, first: number, last: number, stagedAt = 0): LedgerSegment => ({
  kind: 'data',
  minute,
  first,
  last,
  records: last - first + 1,
  bytes: 100,
  encoding: '.jsonl.gz',
  digest: '00000000000000ff',
  stagedAt,
});
const pathOf = (object: ObjectDecision) =>
  `${object.kind}/${object.minute}/${object.segments[0]?.first}${object.late ? '.late' : ''}`;

describe('Function: closeMinutes', () => {
  it('turns the open segments of each closed minute into one pending object, in position order', () => {
    // Prepare
    const ledger = recordStaged(
      EMPTY_LEDGER,
      [segment(M, 5, 9), segment(M, 1, 4), segment(M + 1, 10, 12)],
      12,
      0,
    );

    // Act
    const closed = closeMinutes(ledger, M, pathOf);

    // Assess
    expect(closed.closedThrough).toBe(M);
    expect(closed.open).toEqual([segment(M + 1, 10, 12)]);
    expect(closed.pending).toEqual([
      {
        kind: 'data',
        minute: M,
        late: false,
        encoding: '.jsonl.gz',
        segments: [segment(M, 1, 4), segment(M, 5, 9)],
        path: `data/${M}/1`,
      },
    ]);
  });

  it('marks an object late when its minute was closed before its records came', () => {
    // Prepare
    const closedEarlier: PartitionLedger = { ...EMPTY_LEDGER, closedThrough: M + 3, stagedThrough: 20 };
    const ledger = recordStaged(closedEarlier, [segment(M + 1, 21, 22)], 22, 0);

    // Act: a frontier behind the one already reached must not reopen anything.
    const closed = closeMinutes(ledger, M, pathOf);

    // Assess
    expect(closed.closedThrough).toBe(M + 3);
    expect(closed.pending).toMatchObject([{ minute: M + 1, late: true }]);
  });

  it('keeps data and dead letters of the same minute in separate objects', () => {
    // Prepare
    const ledger = recordStaged(
      EMPTY_LEDGER,
      [segment(M, 1, 2), { ...segment(M, 3, 3), kind: 'deadletter' }],
      3,
      0,
    );

    // Act
    const closed = closeMinutes(ledger, M, pathOf);

    // Assess
    expect(closed.pending.map((object) => object.kind).sort()).toEqual(['data', 'deadletter']);
  });

  it('returns the same ledger when there is nothing to close', () => {
    // Prepare
    const ledger: PartitionLedger = { ...EMPTY_LEDGER, closedThrough: M };

    // Act & Assess
    expect(closeMinutes(ledger, M, pathOf)).toBe(ledger);
  });
});

describe('Function: ingestionSealFrontier', () => {
  it.each([
    [0, M * MINUTE_MS + 59_999, M - 1],
    [0, (M + 1) * MINUTE_MS, M],
    [60, (M + 2) * MINUTE_MS - 1, M - 1],
    [60, (M + 2) * MINUTE_MS, M],
  ])(
    'with a %is delay and records up to %i seals through minute %i',
    (delaySeconds, maxRecordTime, expected) => {
      // Prepare
      const ledger: PartitionLedger = { ...EMPTY_LEDGER, maxRecordTime };

      // Act & Assess
      expect(ingestionSealFrontier(ledger, delaySeconds * 1000)).toBe(expected);
    },
  );
});

describe('Function: ingestionSealFrontier at capacity', () => {
  it('closes the oldest minutes once a partition holds more than MAX_OPEN_SEGMENTS', () => {
    // Prepare: one segment per minute, two over the limit, records not yet past any minute
    const open = Array.from({ length: MAX_OPEN_SEGMENTS + 2 }, (_, index) =>
      segment(M + index, index, index),
    );
    const ledger: PartitionLedger = { ...EMPTY_LEDGER, open, maxRecordTime: M * MINUTE_MS };

    // Act
    const frontier = ingestionSealFrontier(ledger, 60_000);

    // Assess
    expect(frontier).toBe(M + 1);
    expect(closeMinutes(ledger, frontier ?? 0, pathOf).open).toHaveLength(MAX_OPEN_SEGMENTS);
  });
});

describe('Function: timerSealFrontier', () => {
  it('closes a minute once it ended a delay ago and its first segment waited a delay', () => {
    // Prepare
    const stagedAt = (M + 1) * MINUTE_MS;
    const ledger = recordStaged(EMPTY_LEDGER, [segment(M, 1, 1, stagedAt)], 1, stagedAt);
    const delay = 60_000;

    // Act & Assess
    expect(timerSealFrontier(ledger, (M + 2) * MINUTE_MS - 1, delay)).toBeNull();
    expect(timerSealFrontier(ledger, (M + 2) * MINUTE_MS, delay)).toBe(M);
  });

  it('waits for a backlog minute staged just now even though its minute ended long ago', () => {
    // Prepare
    const now = (M + 600) * MINUTE_MS;
    const ledger = recordStaged(EMPTY_LEDGER, [segment(M, 1, 1, now - 1000)], 1, M * MINUTE_MS);

    // Act & Assess
    expect(timerSealFrontier(ledger, now, 60_000)).toBeNull();
    expect(timerSealFrontier(ledger, now + 59_000, 60_000)).toBe(M);
  });

  it('stops at the first minute that is not ready, so later minutes never close before earlier ones', () => {
    // Prepare
    const now = (M + 10) * MINUTE_MS;
    const ledger = recordStaged(
      EMPTY_LEDGER,
      [segment(M, 1, 1, 0), segment(M + 1, 2, 2, now), segment(M + 2, 3, 3, 0)],
      3,
      0,
    );

    // Act & Assess
    expect(timerSealFrontier(ledger, now, 60_000)).toBe(M);
  });
});

describe('Function: forgetPublished', () => {
  it('removes exactly the published objects', () => {
    // Prepare
    const ledger = closeMinutes(
      recordStaged(EMPTY_LEDGER, [segment(M, 1, 2), segment(M + 1, 3, 4)], 4, 0),
      M + 1,
      pathOf,
    );
    const [first] = ledger.pending;

    // Act
    const after = forgetPublished(ledger, first ? [first] : []);

    // Assess
    expect(after.pending).toHaveLength(1);
    expect(after.pending[0]?.minute).toBe(M + 1);
  });
});
