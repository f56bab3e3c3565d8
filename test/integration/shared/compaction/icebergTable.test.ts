import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../../../local/emulators/openLake.js';
import { crashingStore, SimulatedCrash } from '../../../../local/faults/crashingStore.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import type { IcebergTarget } from '../../../../shared/compaction/icebergTable.js';
import { tableRootOf } from '../../../../shared/compaction/tableLayout.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { createFsStore } from '../../../../shared/stores/fs/createFsStore.js';
import { loadIcebergTable } from '../../../../shared/tables/iceberg/commit.js';
import { pathCatalog } from '../../../../shared/tables/iceberg/pathCatalog.js';
import { type PyIcebergRead, readWithPyIceberg } from '../../../helpers/readers/pyiceberg.js';
import { startTableReaders, type TableReaders } from '../../../helpers/readers/tableReaders.js';
import {
  captureTwoHoursOfOrders,
  expectEveryOrderOnce,
  ICEBERG_ORDERS,
  type OrderBody,
} from '../../../helpers/twoHoursOfOrders.js';

const TOPIC = ICEBERG_ORDERS;
const ROOT = tableRootOf(TOPIC.name);

let lake: Lake;
let readers: TableReaders;
let tableLocation: string;
let raw: Map<string, OrderBody>;
let read: PyIcebergRead;
/** Metadata versions group 0 found taken by group 1, and the units the table held once both were done. */
let lostCommits = 0;
let afterRace: (string | undefined)[];

/**
 * Two hours of orders compacted by two partition groups at once, made to race deterministically:
 * group 0 holds its first metadata file's publish until group 1 has committed everything, so that
 * version is taken and group 0 must read the table again and commit on top. Then both groups run again.
 */
beforeAll(async () => {
  readers = await startTableReaders();
  lake = await openLake('fs');
  const lakeLocation = `${pathToFileURL(lake.where).href}/`;
  const iceberg = (store: CaptureStore): IcebergTarget => ({
    lakeLocation,
    catalog: (root) => pathCatalog(store.objects, root),
  });
  tableLocation = `${lakeLocation}${ROOT.replace(/\/$/, '')}`;
  const captured = await captureTwoHoursOfOrders(lake, TOPIC);
  raw = captured.raw;
  const group = (partition: string, store: CaptureStore) =>
    compactClosedHours(
      { ...captured.context, store },
      { lookbackHours: 3, iceberg: iceberg(store), partitions: [partition] },
    );
  const { objects } = lake.store;
  let other: Promise<unknown> | undefined;
  const racing: CaptureStore = {
    ...lake.store,
    objects: {
      stage: objects.stage.bind(objects),
      deleteStaged: objects.deleteStaged.bind(objects),
      deleteTableMetadata: objects.deleteTableMetadata.bind(objects),
      replace: objects.replace.bind(objects),
      list: objects.list.bind(objects),
      read: objects.read.bind(objects),
      async publish(path, staged) {
        const isVersion = /\/metadata\/v\d+\.metadata\.json$/.test(path);
        if (isVersion && other === undefined) {
          other = group('1', lake.store);
          await other;
        }
        const outcome = await objects.publish(path, staged);
        if (isVersion && outcome !== 'created') lostCommits++;
        return outcome;
      },
    },
  };
  await group('0', racing);
  await other;
  const raced = await loadIcebergTable(objects, pathCatalog(objects, ROOT));
  afterRace = (raced.metadata?.snapshots ?? []).map((snapshot) => snapshot.summary['stream-capture.unit']);
  await group('0', lake.store);
  await group('1', lake.store);
  read = await readWithPyIceberg(tableLocation);
}, 300_000);

afterAll(async () => {
  await readers?.close();
  await lake?.close();
});

describe('Function: icebergCompactionTable through the path catalog', () => {
  it('commits one snapshot per unit, named in its summary, when two groups race and compact again', () => {
    // Assess
    expect(lostCommits).toBe(1);
    expect(afterRace).toHaveLength(4);
    expect(new Set(afterRace).size).toBe(4);
    const units = read.snapshots.map(
      (summary) => `${summary['stream-capture.unit']}#${summary['stream-capture.unit-sequence']}`,
    );
    expect(read.formatVersion).toBe(2);
    expect(read.snapshots.every((summary) => summary.operation === 'append')).toBe(true);
    expect(new Set(units).size).toBe(units.length);
    expect(units.sort()).toEqual([
      'stream-capture/p0/2026-11-21T12:00:00.000Z#0',
      'stream-capture/p0/2026-11-21T13:00:00.000Z#0',
      'stream-capture/p1/2026-11-21T12:00:00.000Z#0',
      'stream-capture/p1/2026-11-21T13:00:00.000Z#0',
    ]);
    expect(Number(read.snapshots.at(-1)?.['total-records'])).toBe(raw.size);
  });

  it('gives pyiceberg every raw record as exactly one row, nested fields as structs and lists', () => {
    // Assess
    expectEveryOrderOnce(read.rows, raw);
  });

  it('partitions by identity on date and hour, values readers take from the manifests', () => {
    // Assess
    expect(read.partitionSpec.map(({ name, transform }) => [name, transform])).toEqual([
      ['date', 'identity'],
      ['hour', 'identity'],
    ]);
    const hours = new Set(read.rows.map((row) => `${row.date} ${row.hour}`));
    expect(hours).toEqual(new Set(['2026-11-21 12', '2026-11-21 13']));
  });

  it('gives the field added in the later hour an id of its own, null in the earlier hour', () => {
    // Assess
    const ids = Object.values(read.fieldIds);
    expect(new Set(ids).size).toBe(ids.length);
    expect(read.fieldIds['user.plan']).toBeGreaterThan(read.fieldIds['user.id'] as number);
    const plans = read.rows.map((row) => [row.hour, (row.user as { plan: string | null }).plan === null]);
    expect(plans.filter(([hour, missing]) => hour === 12 && !missing)).toEqual([]);
    expect(plans.filter(([hour, missing]) => hour === 13 && missing)).toEqual([]);
  });

  it('reads the same rows in Spark with Iceberg’s runtime, through the table’s version hint', async () => {
    // Act
    const answer = await readers.spark(
      `SELECT count(*) AS rows, count(DISTINCT _source_partition, _position) AS records,
              count(user.plan) AS plans, count(DISTINCT hour) AS hours, sum(size(items)) AS items
       FROM orders`,
      [{ name: 'orders', format: 'iceberg', path: tableLocation }],
    );

    // Assess
    const withPlan = [...raw.values()].filter((body) => body.user.plan !== undefined).length;
    expect(answer.rows).toEqual([
      { rows: raw.size, records: raw.size, plans: withPlan, hours: 2, items: raw.size },
    ]);
  });
});

describe('Function: icebergCompactionTable after a crash before or after any store call (the path catalog’s included)', () => {
  it('holds one snapshot per unit and every record once after a rerun, wherever the crash came', async () => {
    // Prepare: the captured hours once, copied into a fresh lake for each crash
    const captured = await openLake('fs');
    const scratch = await mkdtemp(join(tmpdir(), 'iceberg-crashes-'));
    try {
      const { context, raw: records } = await captureTwoHoursOfOrders(captured, TOPIC);
      const lakeAt = async (name: string) => {
        const root = join(scratch, name);
        await cp(captured.where, root, { recursive: true });
        const store = createFsStore(root);
        const catalog = (tableRoot: string) => pathCatalog(store.objects, tableRoot);
        return { store, iceberg: { lakeLocation: `${pathToFileURL(root).href}/`, catalog } };
      };
      const counted = await lakeAt('counted');
      const counting = crashingStore(counted.store, null);
      await compactClosedHours(
        { ...context, store: counting },
        { lookbackHours: 3, iceberg: counted.iceberg },
      );
      const calls = counting.calls();

      const points = (['before', 'after'] as const).flatMap((when) =>
        Array.from({ length: calls }, (_, call) => ({ call, when })),
      );
      for (const point of points) {
        const what = `crash ${point.when} call ${point.call}`;
        const lake = await lakeAt(`crash-${point.when}-${point.call}`);
        const crashing = { ...context, store: crashingStore(lake.store, point) };

        // Act
        await expect(
          compactClosedHours(crashing, { lookbackHours: 3, iceberg: lake.iceberg }),
        ).rejects.toBeInstanceOf(SimulatedCrash);
        await compactClosedHours(
          { ...context, store: lake.store },
          { lookbackHours: 3, iceberg: lake.iceberg },
        );

        // Assess
        const { metadata } = await loadIcebergTable(lake.store.objects, lake.iceberg.catalog(ROOT));
        const snapshots = metadata?.snapshots ?? [];
        const units = snapshots.map((snapshot) => snapshot.summary['stream-capture.unit']);
        expect(units, what).toHaveLength(2);
        expect(new Set(units).size, what).toBe(2);
        expect(snapshots.at(-1)?.summary['total-records'], what).toBe(String(records.size));
      }
      expect(calls).toBeGreaterThan(20);
    } finally {
      await rm(scratch, { recursive: true, force: true });
      await captured.close();
    }
  }, 300_000);
});
