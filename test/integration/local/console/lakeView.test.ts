import { describe, expect, it } from 'vitest';
import { lakePage } from '../../../../local/console/lakePage.js';
import { buildLakeView, type LakeView } from '../../../../local/console/lakeView.js';
import { readOnlyLakeOf } from '../../../../local/console/readOnlyLake.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { FRESH_STORES } from '../../../helpers/freshStores.js';

const at = (hour: number, minute: number, second = 0) => Date.UTC(2026, 10, 21, hour, minute, second);
const minuteAt = (hour: number, minute: number) => at(hour, minute) / 60_000;
/** When the console looks: what its lag figures are measured to. */
const VIEWED_AT = at(12, 10);
/** A body that is not JSON, and would run a script if the page put it in unescaped. */
const POISON = '<script>alert("lake")</script>{';

/**
 * A lake as the functions leave it: hour 11 compacted (its minutes 58 and 59 on two partitions, a
 * late object and a dead letter among them), hour 12 with sealed minutes, empty ones and an open one.
 */
async function captureOrders(store: CaptureStore): Promise<CaptureContext> {
  const topic = topicConfig({ jsonl: { envelope: true } });
  let now = at(11, 58, 30);
  const context: CaptureContext = { topic, store, clock: () => now };
  const records = (partition: string, from: number, count: number, time: number) =>
    Array.from({ length: count }, (_, index) =>
      makeRecord({ partition, position: from + index, brokerTime: time + index * 1000 }),
    );
  await ingestBatch(context, [...records('0', 0, 5, at(11, 58)), ...records('1', 0, 5, at(11, 58))]);
  now = at(11, 59, 45);
  await ingestBatch(context, [
    ...records('0', 5, 5, at(11, 59)),
    ...records('1', 5, 5, at(11, 59)),
    makeRecord({ partition: '1', position: 10, brokerTime: at(11, 59, 40), body: Buffer.from(POISON) }),
  ]);
  now = at(12, 1, 30);
  await ingestBatch(context, [...records('0', 10, 5, at(12, 1)), ...records('1', 11, 5, at(12, 1))]);
  now = at(12, 4);
  await ingestBatch(context, records('0', 15, 5, at(12, 3)));
  await sealIdlePartitions(context);
  now = at(12, 4, 30);
  // After 11:59 was sealed on partition 1: a late object of that minute.
  await ingestBatch(context, records('1', 16, 1, at(11, 59, 50)));
  now = at(12, 10);
  await compactClosedHours(context);
  return context;
}

const views = new Map<string, LakeView>();

describe.each(FRESH_STORES)('Console: the lake view on %s', (name, freshStore) => {
  it('shows every minute of every partition as the functions left it, dead letters and compaction', async () => {
    // Prepare
    const context = await captureOrders(await freshStore());
    const lake = readOnlyLakeOf(context.store);

    // Act
    const view = await buildLakeView({
      lake,
      topic: context.topic,
      where: name,
      logFile: null,
      hours: 3,
      cache: new Map(),
      clock: () => VIEWED_AT,
    });
    views.set(name, view);

    // Assess
    const { grid } = view;
    expect(grid.minutes).toEqual([58, 59, 60, 61, 62, 63].map((minute) => minuteAt(11, minute)));
    const states = grid.partitions.map((row) => [row.partition, row.cells.map((cell) => cell.state)]);
    expect(states).toEqual([
      ['0', ['sealed', 'sealed', 'empty', 'sealed', 'empty', 'open']],
      ['1', ['sealed', 'sealed', 'empty', 'sealed', 'empty', 'empty']],
    ]);
    const [zero, one] = grid.partitions;
    expect(zero?.cells[5]?.open).toEqual({ records: 5, bytes: expect.any(Number) });
    const lateMinute = one?.cells[1];
    expect(lateMinute?.objects.map((object) => [object.records, object.late])).toEqual([
      [5, false],
      [1, true],
    ]);
    expect(lateMinute?.deadLetters.map((object) => object.records)).toEqual([1]);
    expect(zero?.cells[0]?.objects[0]?.bytes).toBeGreaterThan(0);

    expect(view.deadLetters).toEqual([
      {
        reason: 'invalid-json',
        count: 1,
        entries: [expect.objectContaining({ partition: '1', offset: '10', position: 10, preview: POISON })],
      },
    ]);

    // Lag from the ledgers: the newest record staged, and the end of the newest minute sealed (the
    // seal timer at 12:04 closed minutes through 12:01 on both partitions)
    expect(view.at).toBe('2026-11-21T12:10:00.000Z');
    expect(view.freshness).toEqual([
      {
        partition: '0',
        generation: 0,
        newestRecord: '2026-11-21T12:03:04.000Z',
        sealedThrough: '2026-11-21T12:02:00.000Z',
        behindSeconds: 416,
        sealedBehindSeconds: 480,
        openRecords: 5,
        pendingObjects: 0,
      },
      {
        partition: '1',
        generation: 0,
        newestRecord: '2026-11-21T12:01:04.000Z',
        sealedThrough: '2026-11-21T12:02:00.000Z',
        behindSeconds: 536,
        sealedBehindSeconds: 480,
        openRecords: 0,
        pendingObjects: 0,
      },
    ]);

    const { compaction } = view;
    if (compaction.kind !== 'delta') throw new Error(`compaction not shown: ${JSON.stringify(compaction)}`);
    expect(compaction.committedHours).toEqual([
      { hour: '2026-11-21T11:00:00.000Z', files: 1, rows: 21, bytes: expect.any(Number) },
    ]);
    expect(compaction.waitingHours).toEqual(['2026-11-21T12:00:00.000Z']);
    expect(compaction.watermarks).toEqual([{ group: 'all', completeBefore: '2026-11-21T12:00:00.000Z' }]);
    expect(compaction.columns.map((column) => column.name)).toEqual(
      expect.arrayContaining(['_partition', '_position', 'partition', 'position']),
    );
    expect(compaction.units).toEqual([
      expect.objectContaining({ hour: '2026-11-21T11:00:00.000Z', group: 'all', committed: true, rows: 21 }),
    ]);
  });

  it('puts user data on the page escaped, never as markup', async () => {
    // Prepare
    const view = views.get(name);
    if (!view) throw new Error('the view of the test before is missing');

    // Act
    const page = lakePage(view);

    // Assess
    expect(page).toContain('&lt;script&gt;alert(&quot;lake&quot;)&lt;/script&gt;{');
    expect(page).not.toContain('<script');
  });
});

describe('Console: the read-only facade', () => {
  it('has no way to write, not even behind a cast', async () => {
    // Prepare
    const [, freshStore] = FRESH_STORES[0] as (typeof FRESH_STORES)[number];
    const lake = readOnlyLakeOf(await freshStore());

    // Assess
    expect(Object.keys(lake.objects).sort()).toEqual(['list', 'read']);
    expect(Object.keys(lake.ledger).sort()).toEqual(['partitions', 'read']);
    expect(Object.isFrozen(lake.objects) && Object.isFrozen(lake.ledger)).toBe(true);
  });
});

describe('Console: lag from the ledgers on the page', () => {
  it('gives each partition a row with how far its newest record and its sealed minutes trail the view', () => {
    // Act
    const page = lakePage(views.get('filesystem') as LakeView);

    // Assess
    const row = (partition: string) =>
      new RegExp(
        `<tr data-partition="${partition}"><td>${partition}</td><td>0</td><td>[^<]+</td><td class="behind">([^<]+)</td>`,
      ).exec(page)?.[1];
    expect(row('0')).toBe('6 min 56 s');
    expect(row('1')).toBe('8 min 56 s');
  });
});

describe('Console: the same lake on every store', () => {
  it('shows the same view on the filesystem, Azurite and S3 (only where the lake is differs)', () => {
    // Assess
    expect([...views.keys()]).toEqual(FRESH_STORES.map(([name]) => name));
    const [first, ...others] = [...views.values()].map(({ where: _, ...view }) => view);
    for (const other of others) expect(other).toEqual(first);
  });
});
