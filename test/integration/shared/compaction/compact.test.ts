import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../../../local/emulators/openLake.js';
import { crashingStore, SimulatedCrash } from '../../../../local/faults/crashingStore.js';
import { claimUnitInputs } from '../../../../shared/compaction/claim.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import { hourOf } from '../../../../shared/compaction/hours.js';
import { listRawObjectsOfHour } from '../../../../shared/compaction/rawObjects.js';
import { tableRootOf } from '../../../../shared/compaction/tableLayout.js';
import { COMPACTED_PREFIX } from '../../../../shared/paths/lakePaths.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import type { CaptureRecord } from '../../../../shared/record.js';
import type { CaptureStore } from '../../../../shared/store.js';
import {
  committedUnits,
  readCompactedRows,
  tableFilePaths,
  unlistedParquetFiles,
} from '../../../helpers/compactedLake.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { FRESH_STORES } from '../../../helpers/freshStores.js';
import { readLines } from '../../../helpers/lakeReader.js';
import { startTableReaders, type TableReaders } from '../../../helpers/readers/tableReaders.js';

const at = (hour: number, minute: number, second = 0) => Date.UTC(2026, 10, 21, hour, minute, second);
const TOPIC = topicConfig({ jsonl: { envelope: true } });

function harness(store: CaptureStore) {
  let now = at(12, 0);
  const context: CaptureContext = { topic: TOPIC, store, clock: () => now };
  const nextPosition = new Map<string, number>();
  return {
    context,
    /** Delivers `perPartition` records for each partition at the given minute, as the broker times them. */
    async deliver(partitions: readonly string[], hour: number, minute: number, perPartition: number) {
      now = Math.max(now, at(hour, minute, 30));
      const records: CaptureRecord[] = partitions.flatMap((partition) =>
        Array.from({ length: perPartition }, (_, index) => {
          const position = nextPosition.get(partition) ?? 0;
          nextPosition.set(partition, position + 1);
          return makeRecord({
            partition,
            position,
            brokerTime: at(hour, minute, index),
            key: Buffer.from(`key-${position}`),
            body: Buffer.from(JSON.stringify({ order: `${partition}-${position}`, amount: position * 10 })),
          });
        }),
      );
      await ingestBatch(context, records);
    },
    async sealAt(time: number) {
      now = time;
      await sealIdlePartitions(context);
    },
    /** The topic was deleted and created again: its offsets start from 0, under newer broker times. */
    recreateTopic() {
      nextPosition.clear();
    },
  };
}

/** `partition/position` → the envelope's body, for every raw record of the lake. */
async function rawRecords(store: CaptureStore): Promise<Map<string, unknown>> {
  const records = new Map<string, unknown>();
  for (const { value } of await readLines(store.objects, 'raw')) {
    const envelope = value as { partition: string; position: number; body: unknown };
    records.set(`${envelope.partition}/${envelope.position}`, envelope.body);
  }
  return records;
}

/** `partition/position` → the body columns DuckDB reads back; duplicates fail the test. */
async function compactedRecords(store: CaptureStore): Promise<Map<string, unknown>> {
  const records = new Map<string, unknown>();
  for (const row of await readCompactedRows(store.objects, TOPIC.name)) {
    const key = `${row._partition}/${row._position}`;
    expect(records.has(key), `${key} twice`).toBe(false);
    records.set(key, { order: row.order, amount: Number(row.amount) });
  }
  return records;
}

async function visibleCompacted(store: CaptureStore): Promise<Map<string, string>> {
  const snapshot = new Map<string, string>();
  for (const path of await store.objects.list(`${COMPACTED_PREFIX}/`)) {
    snapshot.set(path, (await store.objects.read(path)).toString('base64'));
  }
  return snapshot;
}

/** One small closed hour: two partitions, two minutes. */
async function smallClosedHour(store: CaptureStore) {
  const lake = harness(store);
  await lake.deliver(['0', '1'], 12, 10, 3);
  await lake.deliver(['0', '1'], 12, 40, 2);
  await lake.sealAt(at(13, 5));
  return lake.context;
}

/**
 * Two hours of bodies as producers write them (JSON.stringify cannot): ids past 2^53, integers beyond
 * int64 and beyond 38 digits; 12:00 makes `amount` a double, then 13:00 brings it an integer past
 * 2^53. Each hour is compacted once it is sealed.
 */
async function compactWideIntegers(store: CaptureStore): Promise<void> {
  const lake = harness(store);
  const deliver = (position: number, hour: number, minute: number, body: string) =>
    ingestBatch(lake.context, [
      makeRecord({ partition: '0', position, brokerTime: at(hour, minute), body: Buffer.from(body) }),
    ]);
  await deliver(
    0,
    12,
    10,
    `{"id":1234567890123456789,"big":18446744073709551615,"huge":${HUGE},"amount":2.5}`,
  );
  await deliver(1, 12, 20, '{"id":9007199254740993,"big":7,"huge":1,"amount":3}');
  await lake.sealAt(at(13, 5));
  await compactClosedHours(lake.context, { lookbackHours: 3 });
  await deliver(
    2,
    13,
    10,
    '{"id":-9223372036854775808,"big":-18446744073709551616,"amount":9007199254740993}',
  );
  await lake.sealAt(at(14, 5));
  await compactClosedHours(lake.context, { lookbackHours: 3 });
}
const HUGE = '1234567890123456789012345678901234567890';

describe.each(FRESH_STORES)('Function: compactClosedHours on %s', (_name, freshStore) => {
  it('compacts closed hours into Parquet that DuckDB reads as exactly the raw records, and waits for open ones', async () => {
    // Prepare
    const store = await freshStore();
    const lake = harness(store);
    for (const [hour, minute] of [
      [12, 5],
      [12, 30],
      [12, 59],
      [13, 10],
      [13, 59],
    ] as const) {
      await lake.deliver(['0', '1', '2'], hour, minute, 4);
    }
    await lake.sealAt(at(14, 0, 30));

    // Act: 13:59 is not sealed yet at 14:00:30
    const first = await compactClosedHours(lake.context, { lookbackHours: 3 });
    const afterFirst = await committedUnits(store.objects, TOPIC.name);
    await lake.sealAt(at(14, 5));
    const second = await compactClosedHours(lake.context, { lookbackHours: 3 });

    // Assess
    expect(first).toMatchObject({ hoursCompacted: 1, hoursWaiting: 1, filesWritten: 1, rowsWritten: 36 });
    expect(afterFirst.map((unit) => unit.hour)).toEqual(['2026-11-21T12:00:00.000Z']);
    expect(second).toMatchObject({ hoursCompacted: 1, hoursWaiting: 0, rowsWritten: 24, rawObjectsRead: 6 });
    expect(await compactedRecords(store)).toEqual(await rawRecords(store));
    const rows = await readCompactedRows(store.objects, TOPIC.name);
    const row = rows.find((candidate) => candidate._partition === '2' && candidate._position === 5n);
    expect(row).toMatchObject({ _offset: '5', _key: 'key-5', order: '2-5', amount: 50n });
    expect(row?._timestamp).toEqual(new Date('2026-11-21T12:30:01.000Z'));
    expect(String(row?.filename)).toMatch(/\.parquet$/);
    const paths = await store.objects.list(`${COMPACTED_PREFIX}/`);
    expect(paths).toContain('compacted/orders/date=2026-11-21/hour=13/_unit-all-0.json');
    expect(paths).toContain('compacted/orders/date=2026-11-21/hour=13/_claim-all-0.json');
    // Version 0 creates the table, then one commit per unit (12:00, then 13:00)
    expect(paths.filter((path) => path.includes('/_delta_log/'))).toEqual([
      'compacted/orders/_delta_log/00000000000000000000.json',
      'compacted/orders/_delta_log/00000000000000000001.json',
      'compacted/orders/_delta_log/00000000000000000002.json',
    ]);
    expect(await unlistedParquetFiles(store.objects, TOPIC.name)).toEqual([]);
    expect(await compactClosedHours(lake.context, { lookbackHours: 3 })).toMatchObject({ hoursCompacted: 0 });
  });

  it('compacts a late object of a compacted hour into an additional file and commit', async () => {
    // Prepare
    const store = await freshStore();
    const lake = harness(store);
    await lake.deliver(['0', '1'], 12, 10, 3);
    await lake.sealAt(at(13, 5));
    await compactClosedHours(lake.context, { lookbackHours: 2 });

    // Act: a record timed 12:05 arrives at 13:05, after its minute was sealed
    await lake.deliver(['1'], 12, 5, 1);
    await lake.sealAt(at(13, 30));
    const summary = await compactClosedHours(lake.context, { lookbackHours: 2 });

    // Assess
    expect(summary).toMatchObject({ hoursCompacted: 1, filesWritten: 1, rowsWritten: 1, rawObjectsRead: 1 });
    const units = await committedUnits(store.objects, TOPIC.name);
    expect(units.map((unit) => unit.sequence).sort()).toEqual([0, 1]);
    const late = units.find((unit) => unit.sequence === 1);
    expect(late?.rawObjects.map((object) => object.path)).toEqual([
      expect.stringMatching(/\/1-00000000000000000003\.late\.jsonl\.gz$/),
    ]);
    expect(late?.offsets).toEqual({ '1': { rows: 1, first: 3, last: 3 } });
    expect(await compactedRecords(store)).toEqual(await rawRecords(store));
  });

  it('compacts positions of a recreated topic beside the old ones as rows of their own, told apart by _generation', async () => {
    // Prepare: positions 0 to 2 of partition 0, then the topic recreated within the hour
    const store = await freshStore();
    const lake = harness(store);
    await lake.deliver(['0'], 12, 10, 3);
    lake.recreateTopic();
    await lake.deliver(['0'], 12, 40, 2);
    await lake.sealAt(at(13, 5));

    // Act
    const summary = await compactClosedHours(lake.context, { lookbackHours: 2 });

    // Assess
    expect(summary).toMatchObject({ hoursCompacted: 1, rowsWritten: 5 });
    const rows = await readCompactedRows(store.objects, TOPIC.name);
    expect(rows.map((row) => `g${row._generation}:${row._partition}/${row._position}`).sort()).toEqual([
      'g0:0/0',
      'g0:0/1',
      'g0:0/2',
      'g1:0/0',
      'g1:0/1',
    ]);
  });

  it('compacts exactly what an interrupted run claimed, then the late object that came after as the next unit', async () => {
    // Prepare: a run claimed the hour's objects and died before publishing anything
    const store = await freshStore();
    const lake = harness(store);
    await lake.deliver(['0', '1'], 12, 10, 3);
    await lake.sealAt(at(13, 5));
    const hour = hourOf(at(12, 0));
    const claimed = await listRawObjectsOfHour(store.objects, TOPIC, hour, ['0', '1']);
    await claimUnitInputs(
      store.objects,
      { topic: TOPIC.name, hour, group: 'all', sequence: 0 },
      claimed,
      new Set(),
      null,
    );
    await lake.deliver(['1'], 12, 5, 1);
    await lake.sealAt(at(13, 30));

    // Act
    const summary = await compactClosedHours(lake.context, { lookbackHours: 2 });

    // Assess
    expect(summary).toMatchObject({ hoursCompacted: 2, rowsWritten: 7 });
    const units = await committedUnits(store.objects, TOPIC.name);
    const covers = (sequence: number) =>
      units.find((unit) => unit.sequence === sequence)?.rawObjects.map((object) => object.path);
    expect(covers(0)).toEqual(claimed.map((object) => object.path));
    expect(covers(1)).toEqual([expect.stringMatching(/\.late\.jsonl\.gz$/)]);
    expect(await unlistedParquetFiles(store.objects, TOPIC.name)).toEqual([]);
    expect(await compactedRecords(store)).toEqual(await rawRecords(store));
  });

  it('follows a claim that holds a late object its own listing has not seen yet', async () => {
    // Prepare: a concurrent run listed the hour after a late object arrived and claimed it; this run listed before
    const store = await freshStore();
    const lake = harness(store);
    await lake.deliver(['0', '1'], 12, 10, 3);
    await lake.deliver(['1'], 12, 5, 1);
    await lake.sealAt(at(13, 30));
    const hour = hourOf(at(12, 0));
    const everything = await listRawObjectsOfHour(store.objects, TOPIC, hour, ['0', '1']);
    await claimUnitInputs(
      store.objects,
      { topic: TOPIC.name, hour, group: 'all', sequence: 0 },
      everything,
      new Set(),
      null,
    );
    const listedEarlier: CaptureStore = {
      ...store,
      objects: {
        ...store.objects,
        list: async (prefix) => (await store.objects.list(prefix)).filter((path) => !path.includes('.late.')),
      },
    };

    // Act
    const summary = await compactClosedHours({ ...lake.context, store: listedEarlier }, { lookbackHours: 2 });

    // Assess
    expect(summary).toMatchObject({ hoursCompacted: 1, rowsWritten: 7 });
    const units = await committedUnits(store.objects, TOPIC.name);
    expect(units.map((unit) => unit.rawObjects.map((object) => object.path))).toEqual([
      everything.map((object) => object.path),
    ]);
    expect(await compactedRecords(store)).toEqual(await rawRecords(store));
  });

  it('compacts the hours after one that fails, then fails the run with its error', async () => {
    // Prepare: hour 12's claim is damaged
    const store = await freshStore();
    const lake = harness(store);
    await lake.deliver(['0'], 12, 10, 2);
    await lake.deliver(['0'], 13, 10, 2);
    await lake.sealAt(at(14, 5));
    const damaged = 'compacted/orders/date=2026-11-21/hour=12/_claim-all-0.json';
    await store.objects.stage('_staging/damaged-claim', Buffer.from('{"format":"something else"}'));
    await store.objects.publish(damaged, ['_staging/damaged-claim']);

    // Act
    const run = compactClosedHours(lake.context, { lookbackHours: 3 });

    // Assess
    await expect(run).rejects.toThrow(`${damaged} is not a compaction claim`);
    const units = await committedUnits(store.objects, TOPIC.name);
    expect(units.map((unit) => unit.hour)).toEqual(['2026-11-21T13:00:00.000Z']);
  });

  it('compacts partition groups into disjoint files, at most maxHours hours a run', async () => {
    // Prepare
    const store = await freshStore();
    const lake = harness(store);
    for (const hour of [12, 13, 14]) await lake.deliver(['0', '1', '2'], hour, 10, 2);
    await lake.sealAt(at(15, 5));

    // Act
    const limited = await compactClosedHours(lake.context, {
      partitions: ['1', '0'],
      maxHours: 1,
      lookbackHours: 4,
    });
    const rest = await compactClosedHours(lake.context, { partitions: ['0', '1'], lookbackHours: 4 });
    const other = await compactClosedHours(lake.context, { partitions: ['2'], lookbackHours: 4 });

    // Assess
    expect(limited).toMatchObject({ hoursCompacted: 1, rowsWritten: 4 });
    expect(rest).toMatchObject({ hoursCompacted: 2, rowsWritten: 8 });
    expect(other).toMatchObject({ hoursCompacted: 3, rowsWritten: 6 });
    const units = await committedUnits(store.objects, TOPIC.name);
    const groupsByHour = units.map((unit) => `${unit.hour.slice(11, 13)} ${unit.group}`).sort();
    expect(groupsByHour).toEqual(['12 p0.1', '12 p2', '13 p0.1', '13 p2', '14 p0.1', '14 p2']);
    expect(await compactedRecords(store)).toEqual(await rawRecords(store));
  });

  it('commits two partition groups compacting at once into one table, both, each unit once', async () => {
    // Prepare: the groups race for the table's first versions
    const store = await freshStore();
    const lake = harness(store);
    for (const hour of [12, 13]) await lake.deliver(['0', '1', '2', '3'], hour, 10, 2);
    await lake.sealAt(at(14, 5));

    // Act
    const [first, second] = await Promise.all([
      compactClosedHours(lake.context, { partitions: ['0', '1'], lookbackHours: 3 }),
      compactClosedHours(lake.context, { partitions: ['2', '3'], lookbackHours: 3 }),
    ]);

    // Assess
    expect(first).toMatchObject({ hoursCompacted: 2, rowsWritten: 8 });
    expect(second).toMatchObject({ hoursCompacted: 2, rowsWritten: 8 });
    const log = (await store.objects.list('compacted/orders/_delta_log/')).filter((path) =>
      path.endsWith('.json'),
    );
    expect(log).toHaveLength(5);
    expect(
      (await committedUnits(store.objects, TOPIC.name)).map(
        (unit) => `${unit.hour.slice(11, 13)} ${unit.group}`,
      ),
    ).toEqual(['12 p0.1', '12 p2.3', '13 p0.1', '13 p2.3']);
    expect(await compactedRecords(store)).toEqual(await rawRecords(store));
    expect(await unlistedParquetFiles(store.objects, TOPIC.name)).toEqual([]);
  });

  it('keeps a fraction that comes for a long column in _rescued_data, since no reader accepts a long column turning double', async () => {
    // Prepare: 12:00 has integer amounts, so the table's amount is long; 13:00 brings 7.5
    const store = await freshStore();
    const lake = harness(store);
    await lake.deliver(['0'], 12, 10, 2);
    await lake.sealAt(at(13, 10, 30));
    await ingestBatch(lake.context, [
      makeRecord({
        partition: '0',
        position: 2,
        brokerTime: at(13, 10),
        body: Buffer.from(JSON.stringify({ order: 'late-fraction', amount: 7.5 })),
      }),
    ]);
    await lake.sealAt(at(14, 5));

    // Act
    await compactClosedHours(lake.context, { lookbackHours: 3 });

    // Assess
    const rows = await readCompactedRows(store.objects, TOPIC.name);
    const rescued = rows.find((row) => row._position === 2n);
    expect(rescued).toMatchObject({ order: 'late-fraction', amount: null });
    expect(JSON.parse(String(rescued?._rescued_data))).toEqual({ '/amount': 7.5 });
    expect(rows.filter((row) => row._position !== 2n).map((row) => row.amount)).toEqual([0n, 10n]);
    const [, second] = await committedUnits(store.objects, TOPIC.name);
    expect(second?.changes).toContainEqual(expect.objectContaining({ path: 'amount', change: 'rescued' }));
    expect(second?.rescuedRows).toBe(1);
  });

  it('writes integers past 2^53 exactly: longs as longs, beyond int64 as decimal(20,0) or JSON text, none rounded', async () => {
    // Prepare
    const store = await freshStore();

    // Act
    await compactWideIntegers(store);

    // Assess: DuckDB gives BIGINT as a bigint, and a decimal, cast to text, with all its digits
    const rows = (
      await readCompactedRows(
        store.objects,
        TOPIC.name,
        '_position, id, big::VARCHAR AS big, huge, amount, _rescued_data',
      )
    ).sort((a, b) => Number(a._position) - Number(b._position));
    expect(rows.map((row) => row.id)).toEqual([
      1234567890123456789n,
      9007199254740993n,
      -9223372036854775808n,
    ]);
    expect(rows.map((row) => row.big)).toEqual(['18446744073709551615', '7', '-18446744073709551616']);
    expect(rows.map((row) => row.huge)).toEqual([HUGE, '1', null]);
    expect(rows.map((row) => row.amount)).toEqual([2.5, 3, null]);
    expect(rows[2]?._rescued_data).toBe('{"/amount":9007199254740993}');
    const [first, second] = await committedUnits(store.objects, TOPIC.name);
    expect(
      Object.fromEntries((first?.columns ?? []).map((column) => [column.name, column.type])),
    ).toMatchObject({ id: 'long', big: 'decimal(20,0)', huge: 'json', amount: 'double' });
    expect(second?.changes).toContainEqual(expect.objectContaining({ path: 'amount', change: 'rescued' }));
    expect(second?.rescuedRows).toBe(1);
  });

  it('keeps a body nested deeper than the Parquet writer can go as its JSON text', async () => {
    // Prepare: ingestion accepts any depth
    const store = await freshStore();
    const lake = harness(store);
    await lake.deliver(['0'], 12, 10, 2);
    const deep = `{"order":"deep",${'"a":['.repeat(1)}${'[{"b":'.repeat(20_000)}1${'}]'.repeat(20_000)}]}`;
    await ingestBatch(lake.context, [
      makeRecord({ partition: '0', position: 2, brokerTime: at(12, 10, 30), body: Buffer.from(deep) }),
    ]);
    await lake.sealAt(at(13, 5));

    // Act
    const summary = await compactClosedHours(lake.context, { lookbackHours: 2 });

    // Assess
    expect(summary).toMatchObject({ hoursCompacted: 1, rowsWritten: 3 });
    const rows = await readCompactedRows(store.objects, TOPIC.name);
    const kept = rows.find((row) => row._position === 2n);
    expect(kept?._body_text).toBe(deep);
    expect(kept?.order).toBeNull();
    expect(rows.filter((row) => row.order !== null)).toHaveLength(2);
  });

  it('cuts row groups by input bytes and rolls files at the target size', async () => {
    // Prepare
    const manyGroups = await smallClosedHour(await freshStore());
    const manyFiles = await smallClosedHour(await freshStore());

    // Act: a row group per two or three lines; a new file after every row group
    await compactClosedHours(
      manyGroups,
      { lookbackHours: 1 },
      { targetFileBytes: 2 ** 30, rowGroupInputBytes: 200 },
    );
    await compactClosedHours(
      manyFiles,
      { lookbackHours: 1 },
      { targetFileBytes: 1, rowGroupInputBytes: 200 },
    );

    // Assess
    const [grouped] = await committedUnits(manyGroups.store.objects, TOPIC.name);
    expect(grouped?.files).toHaveLength(1);
    expect(grouped?.files[0]?.rowGroups).toBeGreaterThan(2);
    const [rolled] = await committedUnits(manyFiles.store.objects, TOPIC.name);
    expect(rolled?.files.length).toBe(grouped?.files[0]?.rowGroups);
    expect(rolled?.files.every((file) => file.rowGroups === 1)).toBe(true);
    for (const context of [manyGroups, manyFiles]) {
      expect(await compactedRecords(context.store)).toEqual(await rawRecords(context.store));
    }
  });

  it('gives the same visible result as an uninterrupted run after a crash before any store call and a rerun', async () => {
    // Prepare
    const reference = await smallClosedHour(await freshStore());
    const counting = crashingStore(reference.store, null);
    await compactClosedHours({ ...reference, store: counting }, { lookbackHours: 1 });
    const expected = await visibleCompacted(reference.store);
    const calls = counting.calls();
    const stores = await Promise.all(Array.from({ length: calls }, () => freshStore()));

    for (let crashBefore = 0; crashBefore < calls; crashBefore++) {
      const context = await smallClosedHour(stores[crashBefore] as CaptureStore);
      const crashing = { ...context, store: crashingStore(context.store, crashBefore) };

      // Act
      await expect(compactClosedHours(crashing, { lookbackHours: 1 })).rejects.toBeInstanceOf(SimulatedCrash);
      // Assess: the table holds only files that are there whole
      for (const unit of await committedUnits(context.store.objects, TOPIC.name)) {
        for (const file of unit.files) {
          await expect(context.store.objects.read(file.path)).resolves.toHaveLength(file.bytes);
        }
      }
      for (const path of await tableFilePaths(context.store.objects, TOPIC.name)) {
        await expect(context.store.objects.read(path)).resolves.toBeDefined();
      }
      await compactClosedHours(context, { lookbackHours: 1 });
      expect(await visibleCompacted(context.store), `crash before call ${crashBefore}`).toEqual(expected);
    }
    expect(calls).toBeGreaterThan(10);
  });

  it('publishes one set of files when two compactions of the same hour run at once', async () => {
    // Prepare
    const reference = await smallClosedHour(await freshStore());
    await compactClosedHours(reference, { lookbackHours: 1 });
    const context = await smallClosedHour(await freshStore());

    // Act
    const runs = await Promise.allSettled([
      compactClosedHours(context, { lookbackHours: 1 }),
      compactClosedHours(context, { lookbackHours: 1 }),
    ]);
    const rerun = await compactClosedHours(context, { lookbackHours: 1 });

    // Assess
    expect(runs.some((run) => run.status === 'fulfilled')).toBe(true);
    const published = runs.flatMap((run) => (run.status === 'fulfilled' ? [run.value.hoursCompacted] : []));
    expect(published.reduce((sum, hours) => sum + hours, rerun.hoursCompacted)).toBe(1);
    expect(await visibleCompacted(context.store)).toEqual(await visibleCompacted(reference.store));
    expect(await compactedRecords(context.store)).toEqual(await rawRecords(context.store));
  });
});

describe('Function: compactClosedHours, its table read by delta-rs', () => {
  let readers: TableReaders;
  let lake: Lake | undefined;

  beforeAll(async () => {
    readers = await startTableReaders();
  }, 120_000);

  afterAll(async () => {
    await readers?.close();
    await lake?.close();
  });

  it('reads ids past 2^53 as exact int64 and integers beyond int64 as exact decimal(20,0)', async () => {
    // Prepare
    lake = await openLake('fs');
    await compactWideIntegers(lake.store);

    // Act
    const table = await readers.deltaRs(join(lake.where, tableRootOf(TOPIC.name)));

    // Assess: delta-rs sends int64 as JSON numbers with every digit, decimals as their text
    expect(table.schema).toMatch(/\bid: int64\b/);
    expect(table.schema).toMatch(/\bbig: decimal128\(20, 0\)/);
    const rows = [...table.rows].sort((a, b) => Number(a._position) - Number(b._position));
    expect(rows.map((row) => [row.id, row.big])).toEqual([
      [1234567890123456789n, '18446744073709551615'],
      [9007199254740993n, '7'],
      [-9223372036854775808n, '-18446744073709551616'],
    ]);
    expect(rows[2]?._rescued_data).toBe('{"/amount":9007199254740993}');
  });
});
