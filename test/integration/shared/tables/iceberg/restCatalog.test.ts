import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../../../../local/emulators/openLake.js';
import {
  type RunningRestCatalog,
  startRestCatalogServer,
} from '../../../../../local/emulators/restCatalogServer.js';
import {
  type CrashPoint,
  crashSwitch,
  guardedStore,
  SimulatedCrash,
} from '../../../../../local/faults/crashingStore.js';
import { compactClosedHours } from '../../../../../shared/compaction/compact.js';
import type { IcebergTarget } from '../../../../../shared/compaction/icebergTable.js';
import { restCatalogTarget } from '../../../../../shared/compaction/restCatalogTarget.js';
import { settingsCredentials } from '../../../../../shared/compaction/settingsCredentials.js';
import { tableRootOf } from '../../../../../shared/compaction/tableLayout.js';
import type { ObjectStore } from '../../../../../shared/store.js';
import { createFsStore } from '../../../../../shared/stores/fs/createFsStore.js';
import { loadIcebergTable } from '../../../../../shared/tables/iceberg/commit.js';
import { restCatalog } from '../../../../../shared/tables/iceberg/restCatalog.js';
import { topicConfig } from '../../../../helpers/factories.js';
import { type PyIcebergRead, readWithPyIceberg } from '../../../../helpers/readers/pyiceberg.js';
import { startTableReaders, type TableReaders } from '../../../../helpers/readers/tableReaders.js';
import {
  captureTwoHoursOfOrders,
  expectEveryOrderOnce,
  type OrderBody,
} from '../../../../helpers/twoHoursOfOrders.js';

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

async function createNamespace(namespace: string): Promise<void> {
  const created = await fetch(`${server.uri}/v1/namespaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ namespace: [namespace] }),
  });
  expect(created.status).toBe(200);
}

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
  await createNamespace(NAMESPACE);
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
    expectEveryOrderOnce(read.rows, raw);
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

describe('Function: restCatalog after a crash before or after any store or REST call', () => {
  it('holds one snapshot per unit and every record once after a rerun, wherever the crash came', async () => {
    // Prepare: the captured hours once (one partition group, so the calls come in one order), copied
    // into a fresh lake with a namespace of its own in the catalog for each crash point
    const topic = topicConfig({ ...TOPIC, compaction: { partitionsPerGroup: 8, table: 'iceberg' } });
    const captured = await openLake('fs');
    const scratch = await mkdtemp(join(tmpdir(), 'rest-iceberg-crashes-'));
    try {
      const { context, raw: records } = await captureTwoHoursOfOrders(captured, topic);
      const run = async (name: string, crash: CrashPoint | null) => {
        const root = join(scratch, name);
        await cp(captured.where, root, { recursive: true });
        const location = `${pathToFileURL(root).href}/`;
        const namespace = `crash_${name.replaceAll('-', '_')}`;
        await createNamespace(namespace);
        const store = createFsStore(root);
        const { guard, calls } = crashSwitch(crash);
        const restCalls: string[] = [];
        const crashingFetch: typeof fetch = (input, init) => {
          restCalls.push(
            `${init?.method ?? 'GET'} ${String(input).replace(/^.*\/v1\/namespaces\/[^/]+/, '')}`,
          );
          return guard(() => fetch(input, init));
        };
        const target = (send: typeof fetch, objects: ObjectStore): IcebergTarget => ({
          lakeLocation: location,
          catalog: (tableRoot) =>
            restCatalog(tableRoot, {
              uri: server.uri,
              namespace,
              table: TOPIC.name,
              objects,
              lakeLocation: location,
              fetch: send,
            }),
        });
        const crashing = guardedStore(store, guard);
        const first = compactClosedHours(
          { ...context, store: crashing },
          { lookbackHours: 3, iceberg: target(crashingFetch, crashing.objects) },
        );
        if (crash === null) await first;
        else {
          // A request that never answers is a transient failure of the catalog, the crash its cause.
          const error: unknown = await first.then(
            () => null,
            (failure: unknown) => failure,
          );
          const crashed =
            error instanceof SimulatedCrash || (error as Error | null)?.cause instanceof SimulatedCrash;
          expect(crashed, `${name}: ${String(error)}`).toBe(true);
        }
        const rerun = target(fetch, store.objects);
        await compactClosedHours({ ...context, store }, { lookbackHours: 3, iceberg: rerun });
        const { metadata } = await loadIcebergTable(store.objects, rerun.catalog(ROOT));
        return { calls: calls(), restCalls, snapshots: metadata?.snapshots ?? [] };
      };
      const { calls, restCalls, snapshots: clean } = await run('clean', null);
      expect(clean).toHaveLength(2);
      // The table registered, then its widening for user.plan and an append per hour as changes.
      expect(restCalls.filter((call) => call === 'POST /register')).toHaveLength(1);
      expect(restCalls.filter((call) => call === `POST /tables/${TOPIC.name}`)).toHaveLength(3);

      for (const when of ['before', 'after'] as const) {
        for (let call = 0; call < calls; call++) {
          // Act
          const { snapshots } = await run(`${when}-${call}`, { call, when });

          // Assess
          const what = `crash ${when} call ${call}`;
          const units = snapshots.map((snapshot) => snapshot.summary['stream-capture.unit']);
          expect(units, what).toHaveLength(2);
          expect(new Set(units).size, what).toBe(2);
          expect(snapshots.at(-1)?.summary['total-records'], what).toBe(String(records.size));
        }
      }
      expect(calls).toBeGreaterThan(restCalls.length);
    } finally {
      await rm(scratch, { recursive: true, force: true });
      await captured.close();
    }
  }, 600_000);
});

describe('Function: restCatalogTarget (a topic configured for a REST catalog with OAuth2 client credentials)', () => {
  it('gets a token with the configured client, sends it on every request and finds its paths', async () => {
    // Prepare: a topic whose credentials are in two settings, its names the default ones
    const topic = topicConfig({
      ...TOPIC,
      name: 'payments',
      compaction: {
        partitionsPerGroup: 8,
        table: 'iceberg',
        restCatalog: {
          uri: server.uri,
          warehouse: 'lake',
          credentials: { clientIdSetting: 'CATALOG_CLIENT_ID', clientSecretSetting: 'CATALOG_CLIENT_SECRET' },
          scope: 'PRINCIPAL_ROLE:ALL',
        },
      },
    });
    const config = topic.compaction.restCatalog;
    if (config === undefined) throw new Error('the topic has no REST catalog');
    const env = { CATALOG_CLIENT_ID: 'capture-writer', CATALOG_CLIENT_SECRET: 's3cret' };
    const own = await openLake('fs');
    try {
      const { context, raw: records } = await captureTwoHoursOfOrders(own, topic);
      const requests: { url: string; method: string; authorization: string | null; body: string }[] = [];
      const tokens: unknown[] = [];
      const recording: typeof fetch = async (input, init) => {
        const headers = new Headers(init?.headers);
        requests.push({
          url: String(input),
          method: init?.method ?? 'GET',
          authorization: headers.get('authorization'),
          body: typeof init?.body === 'string' ? init.body : '',
        });
        const response = await fetch(input, init);
        if (String(input).endsWith('/v1/oauth/tokens')) tokens.push(await response.clone().json());
        return response;
      };
      const credentials = settingsCredentials(config, env);
      const provider = restCatalogTarget(topic.name, config, {
        lakeLocation: () => `${pathToFileURL(own.where).href}/`,
        ...(credentials === undefined ? {} : { credentials }),
        fetch: recording,
      });
      const iceberg = await provider(context);

      // Act
      await compactClosedHours(context, { lookbackHours: 3, iceberg });

      // Assess: one token, from the form Iceberg's clients post, carried by every catalog request
      const [tokenRequest, ...catalogRequests] = requests;
      expect(tokenRequest?.url).toBe(`${server.uri}/v1/oauth/tokens`);
      expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({
        grant_type: 'client_credentials',
        client_id: 'capture-writer',
        client_secret: 's3cret',
        scope: 'PRINCIPAL_ROLE:ALL',
      });
      expect(tokens).toHaveLength(1);
      const token = (tokens[0] as { access_token: string }).access_token;
      expect(token).toContain('capture-writer');
      expect(catalogRequests.length).toBeGreaterThan(3);
      expect(catalogRequests.filter((request) => request.authorization !== `Bearer ${token}`)).toEqual([]);
      expect(catalogRequests[0]?.url).toBe(`${server.uri}/v1/config?warehouse=lake`);

      // Assess: the table, named after the topic, holds one snapshot per unit and every record
      expect(iceberg.catalogMaintains).toBe(true);
      const { metadata } = await loadIcebergTable(
        own.store.objects,
        iceberg.catalog(tableRootOf(topic.name)),
      );
      const units = (metadata?.snapshots ?? []).map((snapshot) => snapshot.summary['stream-capture.unit']);
      expect(units.sort()).toEqual([
        'stream-capture/all/2026-11-21T12:00:00.000Z',
        'stream-capture/all/2026-11-21T13:00:00.000Z',
      ]);
      expect(metadata?.snapshots.at(-1)?.summary['total-records']).toBe(String(records.size));
      const listed = await fetch(`${server.uri}/v1/namespaces/capture_payments/tables`);
      expect(await listed.json()).toMatchObject({
        identifiers: [{ namespace: ['capture_payments'], name: 'payments' }],
      });
    } finally {
      await own.close();
    }
  }, 120_000);
});
