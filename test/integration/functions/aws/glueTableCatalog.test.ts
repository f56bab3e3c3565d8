import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetTableCommand,
  GlueClient,
  type GlueServiceException,
} from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { glueTableCatalog } from '../../../../functions/aws/glueTableCatalog.js';
import { glueTableNames } from '../../../../functions/aws/glueTableNames.js';
import { type RunningGlueRegistry, startGlueRegistry } from '../../../../local/emulators/glueRegistry.js';
import { type Lake, openLake } from '../../../../local/emulators/openLake.js';
import {
  type CrashPoint,
  crashSwitch,
  guardedStore,
  SimulatedCrash,
} from '../../../../local/faults/crashingStore.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import type { IcebergTarget } from '../../../../shared/compaction/icebergTable.js';
import { tableRootOf } from '../../../../shared/compaction/tableLayout.js';
import { STAGING_PREFIX } from '../../../../shared/paths/lakePaths.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import type { CaptureStore, ObjectStore } from '../../../../shared/store.js';
import { createFsStore } from '../../../../shared/stores/fs/createFsStore.js';
import { loadIcebergTable } from '../../../../shared/tables/iceberg/commit.js';
import { topicConfig } from '../../../helpers/factories.js';
import { type PyIcebergRead, readWithPyIceberg } from '../../../helpers/readers/pyiceberg.js';
import { startTableReaders, type TableReaders } from '../../../helpers/readers/tableReaders.js';
import {
  captureTwoHoursOfOrders,
  expectEveryOrderOnce,
  type OrderBody,
} from '../../../helpers/twoHoursOfOrders.js';

const TOPIC = topicConfig({
  name: 'orders',
  jsonl: { envelope: true },
  compaction: { partitionsPerGroup: 1, table: 'iceberg' },
});
const { database: DATABASE, table: TABLE } = glueTableNames(TOPIC);
const ROOT = tableRootOf(TOPIC.name);
/** moto keeps a catalog per account and region: every client, ours and the readers', signs for this one. */
const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

let glue: RunningGlueRegistry;
let lake: Lake;
let readers: TableReaders;
let context: CaptureContext;
let raw: Map<string, OrderBody>;
let lakeLocation: string;
let refusedUpdates = 0;
/** The units the table holds once both racing groups are done, before either runs again. */
let afterRace: string[];
let read: PyIcebergRead;

const unitOf = (summary: Readonly<Record<string, string | undefined>>) =>
  `${summary['stream-capture.unit']}#${summary['stream-capture.unit-sequence']}`;
const UNITS = [
  'stream-capture/p0/2026-11-21T12:00:00.000Z#0',
  'stream-capture/p0/2026-11-21T13:00:00.000Z#0',
  'stream-capture/p1/2026-11-21T12:00:00.000Z#0',
  'stream-capture/p1/2026-11-21T13:00:00.000Z#0',
];

const glueClient = () =>
  new GlueClient({ endpoint: glue.endpoint, region: REGION, credentials: CREDENTIALS });
const tableParameters = async () =>
  (await glueClient().send(new GetTableCommand({ DatabaseName: DATABASE, Name: TABLE }))).Table?.Parameters ??
  {};
const icebergTarget = (client: GlueClient): IcebergTarget => ({
  lakeLocation,
  catalog: (root) =>
    glueTableCatalog(root, {
      client,
      database: DATABASE,
      table: TABLE,
      objects: lake.store.objects,
      lakeLocation,
    }),
});

/**
 * The lake on moto's S3 and the table in moto's Glue, created as the stack creates it. Two partition
 * groups compact the two captured hours at once, made to race deterministically: group 0 holds its
 * first UpdateTable until group 1 has committed everything, so Glue must refuse group 0's update
 * (its VersionId is stale) and group 0 must commit again on top. Then both groups run again.
 */
beforeAll(async () => {
  glue = await startGlueRegistry();
  lake = await openLake('s3', { emulators: { s3Endpoint: inject('s3Endpoint') } });
  lakeLocation = `s3://${lake.storage.container}/`;
  readers = await startTableReaders({
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: REGION,
  });
  await createTableAsTheStackDoes(glueClient(), DATABASE, lakeLocation);
  ({ context, raw } = await captureTwoHoursOfOrders(lake, TOPIC));

  const group = (partition: string, client: GlueClient) =>
    compactClosedHours(context, {
      lookbackHours: 3,
      iceberg: icebergTarget(client),
      partitions: [partition],
    });
  const racing = glueClient();
  let other: Promise<unknown> | undefined;
  racing.middlewareStack.add(
    (next, { commandName }) =>
      async (args) => {
        if (commandName === 'UpdateTableCommand' && other === undefined) {
          other = group('1', glueClient());
          await other;
        }
        try {
          return await next(args);
        } catch (error) {
          if ((error as GlueServiceException).name === 'ConcurrentModificationException') refusedUpdates++;
          throw error;
        }
      },
    { step: 'initialize', name: 'holdFirstUpdateTable' },
  );
  await group('0', racing);
  await other;
  const raced = await loadIcebergTable(lake.store.objects, icebergTarget(glueClient()).catalog(ROOT));
  afterRace = (raced.metadata?.snapshots ?? []).map((snapshot) => unitOf(snapshot.summary));
  await group('0', glueClient());
  await group('1', glueClient());

  read = await readWithPyIceberg({
    table: `${DATABASE}.${TABLE}`,
    properties: {
      type: 'glue',
      'glue.endpoint': glue.endpoint,
      'glue.region': REGION,
      'glue.access-key-id': CREDENTIALS.accessKeyId,
      'glue.secret-access-key': CREDENTIALS.secretAccessKey,
      's3.endpoint': lake.endpoints.s3Endpoint as string,
      's3.region': 'us-east-1',
      's3.access-key-id': CREDENTIALS.accessKeyId,
      's3.secret-access-key': CREDENTIALS.secretAccessKey,
    },
  });
}, 300_000);

afterAll(async () => {
  await readers?.close();
  await lake?.close();
  await glue?.stop();
});

/** The stack's Glue database and table, without metadata yet. */
async function createTableAsTheStackDoes(
  client: GlueClient,
  database: string,
  location: string,
): Promise<void> {
  await client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
  await client.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableInput: {
        Name: TABLE,
        TableType: 'EXTERNAL_TABLE',
        Parameters: { table_type: 'ICEBERG' },
        StorageDescriptor: { Location: `${location}${ROOT.replace(/\/$/, '')}` },
      },
    }),
  );
}

describe('Function: glueTableCatalog (moto’s Glue and S3)', () => {
  it('loses the raced commit to Glue’s VersionId check, then commits one snapshot per unit on top', async () => {
    // Assess
    expect(refusedUpdates).toBe(1);
    expect(afterRace.sort()).toEqual(UNITS);
    expect(read.snapshots.map(unitOf).sort()).toEqual(UNITS);
    expect(Number(read.snapshots.at(-1)?.['total-records'])).toBe(raw.size);
    const parameters = await tableParameters();
    expect(parameters.table_type).toBe('ICEBERG');
    expect(parameters.metadata_location).toMatch(
      new RegExp(`^${lakeLocation}compacted/orders/metadata/\\d{5}-[0-9a-f-]+\\.metadata\\.json$`),
    );
  });

  it('gives pyiceberg, through its Glue catalog, every raw record as exactly one row, nested fields as structs', () => {
    // Assess
    expectEveryOrderOnce(read.rows, raw);
    const plans = read.rows.map((row) => [row.hour, (row.user as { plan: string | null }).plan === null]);
    expect(plans.filter(([hour, missing]) => hour === 12 && !missing)).toEqual([]);
    expect(plans.filter(([hour, missing]) => hour === 13 && missing)).toEqual([]);
  });

  it('gives Spark, through Iceberg’s Glue catalog and S3FileIO, the same rows', async () => {
    // Act
    const answer = await readers.spark(
      `SELECT count(*) AS rows, count(DISTINCT _source_partition, _position) AS records,
              count_if(hour = 12 AND user.plan IS NOT NULL) AS earlyPlans,
              count_if(hour = 13 AND user.plan IS NULL) AS latePlansMissing,
              count(DISTINCT hour) AS hours, sum(size(items)) AS items,
              typeof(first(user)) AS userType
       FROM glue.${DATABASE}.${TABLE}`,
      [],
      {
        'spark.sql.catalog.glue': 'org.apache.iceberg.spark.SparkCatalog',
        'spark.sql.catalog.glue.type': 'glue',
        'spark.sql.catalog.glue.glue.endpoint': glue.endpoint,
        'spark.sql.catalog.glue.client.region': REGION,
        'spark.sql.catalog.glue.warehouse': `${lakeLocation}compacted`,
        'spark.sql.catalog.glue.s3.endpoint': lake.endpoints.s3Endpoint as string,
        'spark.sql.catalog.glue.s3.path-style-access': 'true',
        'spark.sql.catalog.glue.s3.access-key-id': CREDENTIALS.accessKeyId,
        'spark.sql.catalog.glue.s3.secret-access-key': CREDENTIALS.secretAccessKey,
      },
    );

    // Assess
    expect(answer.rows).toEqual([
      {
        rows: raw.size,
        records: raw.size,
        earlyPlans: 0,
        latePlansMissing: 0,
        hours: 2,
        items: raw.size,
        userType: 'struct<id:bigint,plan:string>',
      },
    ]);
  });

  it('refuses a commit on top of metadata that is no longer current, and leaves the table as it was', async () => {
    // Prepare
    const catalog = icebergTarget(glueClient()).catalog(ROOT);
    const current = await catalog.currentMetadata();
    const before = await tableParameters();

    // Act
    const stale = (before.previous_metadata_location as string).slice(lakeLocation.length);
    const lost = await catalog.commit(
      { path: stale, version: (current?.version ?? 0) - 1 },
      Buffer.from('{}'),
    );

    // Assess
    expect(lost).toBeNull();
    expect(await tableParameters()).toEqual(before);
  });
});

describe('Function: compactClosedHours into a Glue table that lost its pointer', () => {
  const recreatedTarget = (database: string, objects: ObjectStore, location: string): IcebergTarget => ({
    lakeLocation: location,
    catalog: (root) =>
      glueTableCatalog(root, {
        client: glueClient(),
        database,
        table: TABLE,
        objects,
        lakeLocation: location,
      }),
  });
  const pointerOf = async (database: string) =>
    (await glueClient().send(new GetTableCommand({ DatabaseName: database, Name: TABLE }))).Table?.Parameters
      ?.metadata_location;

  it('refuses to start a new table over the metadata of one that holds snapshots, and names the file to point at', async () => {
    // Prepare: the stack's table created again over the retained lake (a new Glue table, no
    // metadata_location), and beside the newest metadata a file of the same version that sorts after
    // it and is no table metadata (what a commit that lost its race may leave, at its worst)
    const database = 'recreated_by_a_stack_update';
    await createTableAsTheStackDoes(glueClient(), database, lakeLocation);
    const newest = ((await tableParameters()).metadata_location as string).slice(lakeLocation.length);
    const sameVersion = newest.replace(
      /-[0-9a-f-]+\.metadata\.json$/,
      `-${'f'.repeat(8)}-ffff-ffff-ffff-${'f'.repeat(12)}.metadata.json`,
    );
    await putObject(lake.store.objects, sameVersion, Buffer.from('{}'));

    // Act
    const run = compactClosedHours(context, {
      lookbackHours: 3,
      iceberg: recreatedTarget(database, lake.store.objects, lakeLocation),
      partitions: ['0'],
    });

    // Assess
    await expect(run).rejects.toThrow(
      `but ${newest} holds committed snapshots: the catalog lost the table's pointer. Point the catalog at that file`,
    );
    expect(await pointerOf(database)).toBeUndefined();
  });

  it('refuses to start a new table over metadata it cannot read, and says what to move', async () => {
    // Prepare: a lake whose table folder holds one file named as table metadata that is not
    const unreadable = await openLake('fs');
    try {
      const { context: unreadableContext } = await captureTwoHoursOfOrders(unreadable, TOPIC);
      await putObject(
        unreadable.store.objects,
        `${ROOT}metadata/00001-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}.metadata.json`,
        Buffer.from('not json'),
      );
      const database = 'over_a_foreign_file';
      const location = `${pathToFileURL(unreadable.where).href}/`;
      await createTableAsTheStackDoes(glueClient(), database, location);

      // Act
      const run = compactClosedHours(unreadableContext, {
        lookbackHours: 3,
        iceberg: recreatedTarget(database, unreadable.store.objects, location),
        partitions: ['0'],
      });

      // Assess
      await expect(run).rejects.toThrow(
        /00001-0{8}-0000-0000-0000-0{12}\.metadata\.json \(.*\) is no table metadata this writer reads/,
      );
      expect(await pointerOf(database)).toBeUndefined();
    } finally {
      await unreadable.close();
    }
  });
});

/** Puts an object in the lake as the product's writers do: staged, then published create-only. */
async function putObject(objects: ObjectStore, path: string, body: Buffer): Promise<void> {
  const staged = `${STAGING_PREFIX}/test/${path}`;
  await objects.stage(staged, body);
  await objects.publish(path, [staged]);
  await objects.deleteStaged([staged]);
}

describe('Function: glueTableCatalog after a crash before or after any store or Glue call', () => {
  it('holds one snapshot per unit and every record once after a rerun, wherever the crash came', async () => {
    // Prepare: the captured hours once (one partition group, so the calls come in one order), copied
    // into a fresh lake with a fresh Glue database for each crash point
    const topic = topicConfig({ ...TOPIC, compaction: { partitionsPerGroup: 8, table: 'iceberg' } });
    const captured = await openLake('fs');
    const scratch = await mkdtemp(join(tmpdir(), 'glue-iceberg-crashes-'));
    try {
      const { context, raw: records } = await captureTwoHoursOfOrders(captured, topic);
      const run = async (name: string, crash: CrashPoint | null) => {
        const root = join(scratch, name);
        await cp(captured.where, root, { recursive: true });
        const location = `${pathToFileURL(root).href}/`;
        const database = `crash_${name.replaceAll('-', '_')}`;
        await createTableAsTheStackDoes(glueClient(), database, location);
        const store = createFsStore(root);
        const { guard, calls } = crashSwitch(crash);
        const glueCommands: string[] = [];
        const client = glueClient();
        client.middlewareStack.add(
          (next, { commandName }) =>
            (args) => {
              glueCommands.push(commandName ?? '');
              return guard(() => next(args));
            },
          { step: 'initialize', name: 'crashSwitch' },
        );
        const target = (glue: GlueClient, objects: CaptureStore['objects']): IcebergTarget => ({
          lakeLocation: location,
          catalog: (tableRoot) =>
            glueTableCatalog(tableRoot, {
              client: glue,
              database,
              table: TABLE,
              objects,
              lakeLocation: location,
            }),
        });
        const crashing = guardedStore(store, guard);
        const first = compactClosedHours(
          { ...context, store: crashing },
          { lookbackHours: 3, iceberg: target(client, crashing.objects) },
        );
        if (crash === null) await first;
        else await expect(first).rejects.toBeInstanceOf(SimulatedCrash);
        const rerun = target(glueClient(), store.objects);
        await compactClosedHours({ ...context, store }, { lookbackHours: 3, iceberg: rerun });
        const { metadata } = await loadIcebergTable(store.objects, rerun.catalog(ROOT));
        return { calls: calls(), glueCommands, snapshots: metadata?.snapshots ?? [] };
      };
      const { calls, glueCommands, snapshots: clean } = await run('clean', null);
      expect(clean).toHaveLength(2);
      // The table's first metadata, its widening for user.plan, and an append per hour.
      expect(glueCommands.filter((command) => command === 'UpdateTableCommand')).toHaveLength(4);

      for (const when of ['before', 'after'] as const) {
        for (let call = 0; call < calls; call++) {
          // Act
          const { snapshots } = await run(`${when}-${call}`, { call, when });

          // Assess
          const units = snapshots.map((snapshot) => snapshot.summary['stream-capture.unit']);
          expect(units, `crash ${when} call ${call}`).toHaveLength(2);
          expect(new Set(units).size, `crash ${when} call ${call}`).toBe(2);
          expect(snapshots.at(-1)?.summary['total-records'], `crash ${when} call ${call}`).toBe(
            String(records.size),
          );
        }
      }
      expect(calls).toBeGreaterThan(glueCommands.length);
    } finally {
      await rm(scratch, { recursive: true, force: true });
      await captured.close();
    }
  }, 600_000);
});
