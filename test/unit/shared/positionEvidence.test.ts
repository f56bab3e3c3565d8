import { describe, expect, it } from 'vitest';
import { EMPTY_LEDGER, type PartitionLedger, recordStaged } from '../../../shared/ledger.js';
import { type DeliveredPosition, judgeBehind } from '../../../shared/positionEvidence.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const SEGMENT = {
  kind: 'data' as const,
  minute: 0,
  first: 0,
  last: 0,
  records: 1,
  bytes: 1,
  encoding: '.jsonl',
  digest: 'd',
  stagedAt: 0,
};

/**
 * A delivered record at `position` whose content (key, body and broker time as delivered) is
 * `content`, and whose broker time counts as evidence at `time` (null: it does not).
 */
const at = (position: number, content: string, time: number | null = T0): DeliveredPosition => ({
  position,
  brokerTime: time,
  farAheadTime: null,
  fingerprint: () => content,
});

/** A ledger after staging `records` in batches of the given sizes, from an empty generation. */
function stagedLedger(
  records: readonly DeliveredPosition[],
  batchSizes: readonly number[],
  base = EMPTY_LEDGER,
) {
  let ledger: PartitionLedger = base;
  let from = 0;
  for (const size of batchSizes) {
    const batch = records.slice(from, from + size);
    from += size;
    const first = batch[0] as DeliveredPosition;
    const last = batch.at(-1) as DeliveredPosition;
    ledger = recordStaged(ledger, [SEGMENT], last.position, T0, {
      anchors: [first, last].map((record) => ({
        position: record.position,
        fingerprint: record.fingerprint(),
      })),
      brokerTime: Math.max(...batch.map((record) => record.brokerTime ?? Number.NEGATIVE_INFINITY)),
      farAheadTimes: batch.flatMap((record) => (record.farAheadTime === null ? [] : [record.farAheadTime])),
      positions: batch.map((record) => record.position),
    });
  }
  return ledger;
}

describe('Function: judgeBehind', () => {
  it('takes a ledger that began before it kept its first position for one without a floor: a reset back over it is a redelivery', () => {
    // Prepare: a ledger from before generations (stagedThrough 999, no evidence), then batches 1000 to 1099
    const legacy: PartitionLedger = { ...EMPTY_LEDGER, stagedThrough: 999, brokerTimeThrough: T0 + 999 };
    const records = Array.from({ length: 100 }, (_, index) => at(1000 + index, `r${1000 + index}`));
    const ledger = stagedLedger(records, [50, 50], legacy);

    // Act: the group reset back to 500, records captured before the upgrade
    const verdict = judgeBehind(ledger, [at(500, 'r500', T0 - 5), at(501, 'r501', T0 - 4)]);

    // Assess
    expect(ledger.firstStaged).toBeNull();
    expect(verdict).toEqual({ kind: 'redelivery' });
  });

  it('takes a record staged when its broker time was too far ahead for the same record once that time counts', () => {
    // Prepare: a record two days ahead staged (too far ahead to count), then ordinary ones
    const farAhead = T0 + 2 * 86_400_000;
    const first = { ...at(0, 'ahead', null), farAheadTime: farAhead };
    const ledger = stagedLedger([first, at(1, 'r1'), at(2, 'r2')], [1, 2]);

    // Act: two days later the same record comes again, its time now within reach
    const verdict = judgeBehind(ledger, [{ ...at(0, 'ahead', farAhead), farAheadTime: null }]);

    // Assess
    expect(verdict).toEqual({ kind: 'redelivery' });
  });

  it('proves a restart by a remembered record with other content, from just after the last one proven old', () => {
    // Prepare: batches 5 to 7 and 8, so 5, 7 and 8 are remembered
    const ledger = stagedLedger([at(5, 'old5'), at(6, 'old6'), at(7, 'old7'), at(8, 'old8')], [3, 1]);

    // Act: 5 and 6 the same, 7 different, with no newer time
    const verdict = judgeBehind(ledger, [at(5, 'old5'), at(6, 'old6'), at(7, 'new7'), at(8, 'new8')]);

    // Assess
    expect(verdict).toMatchObject({ kind: 'restart', from: 1 });
  });

  it('leaves records inside a gap the partition jumped over to the caller, as never staged', () => {
    // Prepare: 0 to 9, then a reset forwards to 5000
    const ledger = stagedLedger(
      [...Array.from({ length: 10 }, (_, index) => at(index, `r${index}`)), at(5000, 'r5000')],
      [10, 1],
    );

    // Act: the group reset back to 10, into the gap
    const verdict = judgeBehind(ledger, [at(10, 'r10'), at(11, 'r11')]);

    // Assess
    expect(ledger.gaps).toEqual([{ from: 10, through: 4999 }]);
    expect(verdict).toEqual({ kind: 'redelivery' });
  });
});
