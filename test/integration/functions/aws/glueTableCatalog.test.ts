import { pathToFileURL } from 'node:url';
import { CreateDatabaseCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glueTableCatalog } from '../../../../functions/aws/glueTableCatalog.js';
import { type RunningGlueRegistry, startGlueRegistry } from '../../../../local/emulators/glueRegistry.js';
import { type Lake, openLake } from '../../../../local/emulators/openLake.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import type { IcebergTarget } from '../../../../shared/compaction/icebergTable.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { topicConfig } from '../../../helpers/factories.js';
import { readWithPyIceberg } from '../../../helpers/readers/pyiceberg.js';
import { captureTwoHoursOfOrders, type OrderBody } from '../../../helpers/twoHoursOfOrders.js';

const TOPIC = topicConfig({
  name: 'orders',
  jsonl: { envelope: true },
  compaction: { partitionsPerGroup: 8, table: 'iceberg' },
});
const DATABASE = 'lake';

let glue: RunningGlueRegistry;
let client: GlueClient;
let lake: Lake;
let context: CaptureContext;
let raw: Map<string, OrderBody>;
let iceberg: IcebergTarget;

const tableParameters = async () =>
  (await client.send(new GetTableCommand({ DatabaseName: DATABASE, Name: TOPIC.name }))).Table?.Parameters ??
  {};

beforeAll(async () => {
  glue = await startGlueRegistry();
  client = new GlueClient({
    endpoint: glue.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: DATABASE } }));
  lake = await openLake('fs');
  const lakeLocation = `${pathToFileURL(lake.where).href}/`;
  iceberg = {
    lakeLocation,
    catalog: (root) =>
      glueTableCatalog(root, {
        client,
        database: DATABASE,
        table: TOPIC.name,
        objects: lake.store.objects,
        lakeLocation,
      }),
  };
  ({ context, raw } = await captureTwoHoursOfOrders(lake, TOPIC));
}, 120_000);

afterAll(async () => {
  await lake?.close();
  await glue?.stop();
});

describe('Function: glueTableCatalog (moto’s Glue)', () => {
  it('records each commit in the table’s metadata_location, which pyiceberg reads every raw record from once', async () => {
    // Act
    const summary = await compactClosedHours(context, { lookbackHours: 3, iceberg });
    const rerun = await compactClosedHours(context, { lookbackHours: 3, iceberg });

    // Assess
    expect(summary.hoursCompacted).toBe(2);
    expect(rerun.hoursCompacted).toBe(0);
    const parameters = await tableParameters();
    expect(parameters.table_type).toBe('ICEBERG');
    // Two hours: the table's creation, its widening for user.plan, and one append per hour.
    expect(parameters.metadata_location).toMatch(
      /\/compacted\/orders\/metadata\/00004-[0-9a-f-]+\.metadata\.json$/,
    );
    expect(parameters.previous_metadata_location).toMatch(/\/metadata\/00003-[0-9a-f-]+\.metadata\.json$/);
    const read = await readWithPyIceberg(parameters.metadata_location as string);
    const keys = read.rows.map((row) => `${row._source_partition}/${row._position}`);
    expect(keys.length).toBe(raw.size);
    expect(new Set(keys)).toEqual(new Set(raw.keys()));
    expect(read.snapshots).toHaveLength(2);
  });

  it('refuses a commit on top of metadata that is no longer current, and leaves the table as it was', async () => {
    // Prepare
    const catalog = iceberg.catalog('compacted/orders/');
    const current = await catalog.currentMetadata();
    const before = await tableParameters();

    // Act
    const stale = (before.previous_metadata_location as string).slice(iceberg.lakeLocation.length);
    const lost = await catalog.commit({ path: stale, version: 3 }, Buffer.from('{}'));

    // Assess
    expect(current?.version).toBe(4);
    expect(lost).toBeNull();
    expect(await tableParameters()).toEqual(before);
  });
});
