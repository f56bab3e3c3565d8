import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../../../../local/emulators/openLake.js';
import {
  type RunningRestCatalog,
  startRestCatalogServer,
} from '../../../../../local/emulators/restCatalogServer.js';
import { compactClosedHours } from '../../../../../shared/compaction/compact.js';
import type { IcebergTarget } from '../../../../../shared/compaction/icebergTable.js';
import { tableRootOf } from '../../../../../shared/compaction/tableLayout.js';
import { loadIcebergTable } from '../../../../../shared/tables/iceberg/commit.js';
import { restCatalog } from '../../../../../shared/tables/iceberg/restCatalog.js';
import { topicConfig } from '../../../../helpers/factories.js';
import { type PyIcebergRead, readWithPyIceberg } from '../../../../helpers/readers/pyiceberg.js';
import { startTableReaders, type TableReaders } from '../../../../helpers/readers/tableReaders.js';
import { captureTwoHoursOfOrders, type OrderBody } from '../../../../helpers/twoHoursOfOrders.js';

const TOPIC = topicConfig({
  name: 'orders',
  jsonl: { envelope: true },
  compaction: { partitionsPerGroup: 1, table: 'iceberg' },
});
const NAMESPACE = 'capture';
const ROOT = tableRootOf(TOPIC.name);
const UNITS = [
  'stream-capture/p0/2026-11-21T12:00:00.000Z#0',
  'stream-capture/p0/2026-11-21T13:00:00.000Z#0',
  'stream-capture/p1/2026-11-21T12:00:00.000Z#0',
  'stream-capture/p1/2026-11-21T13:00:00.000Z#0',
];
const unitOf = (summary: Readonly<Record<string, string | undefined>>) =>
  `${summary['stream-capture.unit']}#${summary['stream-capture.unit-sequence']}`;

let server: RunningRestCatalog;
let warehouse: string;
let lake: Lake;
let readers: TableReaders;
let raw: Map<string, OrderBody>;
let conflicts = 0;
let afterRace: string[];
let read: PyIcebergRead;

/**
 * Iceberg's REST catalog server (the fixture its compatibility kit uses) over a lake in a folder.
 * Two partition groups compact the two captured hours at once, made to race deterministically: group
 * 0 registers the table, then holds its first commit to it (its first hour's snapshot) until group 1
 * has committed everything, so the catalog must refuse group 0's commit, whose requirements no longer
 * hold (409), and group 0 must commit again on top. Then both groups run again.
 */
beforeAll(async () => {
  warehouse = await mkdtemp(join(tmpdir(), 'rest-catalog-warehouse-'));
  server = await startRestCatalogServer(pathToFileURL(warehouse).href);
  readers = await startTableReaders();
  const created = await fetch(`${server.uri}/v1/namespaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ namespace: [NAMESPACE] }),
  });
  expect(created.status).toBe(200);
  lake = await openLake('fs');
  const lakeLocation = `${pathToFileURL(lake.where).href}/`;
  const iceberg = (send: typeof fetch): IcebergTarget => ({
    lakeLocation,
    catalog: (root) =>
      restCatalog(root, {
        uri: server.uri,
        namespace: NAMESPACE,
        table: TOPIC.name,
        objects: lake.store.objects,
        lakeLocation,
        fetch: send,
      }),
  });
  const captured = await captureTwoHoursOfOrders(lake, TOPIC);
  raw = captured.raw;
  const group = (partition: string, send: typeof fetch) =>
    compactClosedHours(captured.context, {
      lookbackHours: 3,
      iceberg: iceberg(send),
      partitions: [partition],
    });

  let other: Promise<unknown> | undefined;
  const racing: typeof fetch = async (input, init) => {
    if (init?.method === 'POST' && String(input).endsWith(`/tables/${TOPIC.name}`) && other === undefined) {
      other = group('1', fetch);
      await other;
    }
    const response = await fetch(input, init);
    if (response.status === 409) conflicts++;
    return response;
  };
  await group('0', racing);
  await other;
  const raced = await loadIcebergTable(lake.store.objects, iceberg(fetch).catalog(ROOT));
  afterRace = (raced.metadata?.snapshots ?? []).map((snapshot) => unitOf(snapshot.summary));
  await group('0', fetch);
  await group('1', fetch);

  read = await readWithPyIceberg({
    table: `${NAMESPACE}.${TOPIC.name}`,
    properties: { type: 'rest', uri: server.uri },
  });
}, 300_000);

afterAll(async () => {
  await readers?.close();
  await server?.stop();
  await lake?.close();
  await rm(warehouse, { recursive: true, force: true });
});

describe('Function: restCatalog (Iceberg’s REST catalog server)', () => {
  it('loses the raced commit to the catalog’s requirements, then commits one snapshot per unit on top', () => {
    // Assess
    expect(conflicts).toBe(1);
    expect(afterRace.sort()).toEqual(UNITS);
    expect(read.snapshots.map(unitOf).sort()).toEqual(UNITS);
    expect(Number(read.snapshots.at(-1)?.['total-records'])).toBe(raw.size);
  });

  it('gives pyiceberg, through the REST catalog, every raw record as exactly one row, nested fields as structs', () => {
    // Assess
    const keys = read.rows.map((row) => `${row._source_partition}/${row._position}`);
    expect(keys.length).toBe(raw.size);
    expect(new Set(keys)).toEqual(new Set(raw.keys()));
    for (const row of read.rows) {
      const body = raw.get(`${row._source_partition}/${row._position}`);
      expect(row.user).toEqual({ id: body?.user.id, plan: body?.user.plan ?? null });
      expect(row.items).toEqual(body?.items);
    }
    expect(read.fieldIds['user.plan']).toBeGreaterThan(read.fieldIds['user.id'] as number);
    const plans = read.rows.map((row) => [row.hour, (row.user as { plan: string | null }).plan === null]);
    expect(plans.filter(([hour, missing]) => hour === 12 && !missing)).toEqual([]);
    expect(plans.filter(([hour, missing]) => hour === 13 && missing)).toEqual([]);
  });

  it('gives Spark, through Iceberg’s REST catalog, the same rows', async () => {
    // Act
    const answer = await readers.spark(
      `SELECT count(*) AS rows, count(DISTINCT _source_partition, _position) AS records,
              count_if(hour = 12 AND user.plan IS NOT NULL) AS earlyPlans,
              count_if(hour = 13 AND user.plan IS NULL) AS latePlansMissing,
              sum(size(items)) AS items, typeof(first(user)) AS userType
       FROM rest.${NAMESPACE}.${TOPIC.name}`,
      [],
      {
        'spark.sql.catalog.rest': 'org.apache.iceberg.spark.SparkCatalog',
        'spark.sql.catalog.rest.type': 'rest',
        'spark.sql.catalog.rest.uri': server.uri,
      },
    );

    // Assess
    expect(answer.rows).toEqual([
      {
        rows: raw.size,
        records: raw.size,
        earlyPlans: 0,
        latePlansMissing: 0,
        items: raw.size,
        userType: 'struct<id:bigint,plan:string>',
      },
    ]);
  });
});
