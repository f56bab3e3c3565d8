import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { azureIcebergTarget } from '../../../functions/azure/azureIcebergTarget.js';
import { type Lake, openLake } from '../../../local/emulators/openLake.js';
import { quietObservability } from '../../../local/platforms/aws/quietObservability.js';
import { awsCompactionFanOut, azureCompactionFanOut } from '../../../local/platforms/compactionFanOut.js';
import { localIcebergTarget } from '../../../local/platforms/localIcebergTarget.js';
import type { TopicConfig } from '../../../shared/config/schema.js';
import { topicConfig } from '../../helpers/factories.js';
import { type PyIcebergRead, readWithPyIceberg } from '../../helpers/readers/pyiceberg.js';
import {
  captureTwoHoursOfOrders,
  expectEveryOrderOnce,
  type OrderBody,
} from '../../helpers/twoHoursOfOrders.js';

const UNITS = [
  'stream-capture/p0/2026-11-21T12:00:00.000Z',
  'stream-capture/p0/2026-11-21T13:00:00.000Z',
  'stream-capture/p1/2026-11-21T12:00:00.000Z',
  'stream-capture/p1/2026-11-21T13:00:00.000Z',
];

/** The topic on a lake of its own, as the app settings of a Function App on that lake would name it. */
function icebergTopicOn(lake: Lake): TopicConfig {
  const topic = topicConfig({
    name: 'orders',
    jsonl: { envelope: true },
    compaction: { partitionsPerGroup: 1, table: 'iceberg' },
  });
  return { ...topic, storage: lake.storage };
}

/** What a run of the compaction functions left, as pyiceberg reads it, beside the raw records. */
interface Compacted {
  readonly read: PyIcebergRead;
  readonly raw: Map<string, OrderBody>;
}

function expectEveryRecordOnce({ read, raw }: Compacted): void {
  expectEveryOrderOnce(read.rows, raw);
  expect(read.snapshots.map((summary) => summary['stream-capture.unit']).sort()).toEqual(UNITS);
}

describe('Function: compact-group (Azure) into an Iceberg table on Azure Blob storage', () => {
  let lake: Lake;
  let compacted: Compacted;
  let container: string;
  beforeAll(async () => {
    const connectionString = inject('azuriteConnectionString');
    lake = await openLake('azurite', { emulators: { azuriteConnectionString: connectionString } });
    const topic = icebergTopicOn(lake);
    container = topic.storage.container;
    const { context, raw } = await captureTwoHoursOfOrders(lake, topic);
    const appSettings = { [topic.storage.connection]: connectionString };
    await azureCompactionFanOut(async () => context, null, azureIcebergTarget(topic, appSettings))();
    const read = await readWithPyIceberg(
      `abfss://${container}@devstoreaccount1.dfs.core.windows.net/compacted/orders`,
      { 'adls.connection-string': connectionString, 'py-io-impl': 'pyiceberg.io.fsspec.FsspecFileIO' },
    );
    compacted = { read, raw };
  }, 300_000);
  afterAll(async () => {
    await lake?.close();
  });

  it('commits through the path catalog a table pyiceberg reads from the container through adlfs: every record once', () => {
    // Assess
    expect(compacted.read.formatVersion).toBe(2);
    expectEveryRecordOnce(compacted);
  });

  it('names its files by the abfss location of the account the app settings give', async () => {
    // Act
    const hint = (await lake.direct.objects.read('compacted/orders/metadata/version-hint.text')).toString();
    const metadata = JSON.parse(
      (await lake.direct.objects.read(`compacted/orders/metadata/v${hint.trim()}.metadata.json`)).toString(),
    ) as { location: string; snapshots: { 'manifest-list': string }[] };

    // Assess
    expect(metadata.location).toBe(
      `abfss://${container}@devstoreaccount1.dfs.core.windows.net/compacted/orders`,
    );
    for (const snapshot of metadata.snapshots) {
      expect(snapshot['manifest-list'].startsWith(`${metadata.location}/metadata/snap-`)).toBe(true);
    }
  });
});

describe('Function: the local runner’s aws-compact into an Iceberg table in a folder (no Glue here)', () => {
  it('commits through the path catalog a table pyiceberg reads from the folder: every record once', async () => {
    // Prepare
    const lake = await openLake('fs');
    try {
      const topic = icebergTopicOn(lake);
      const { context, raw } = await captureTwoHoursOfOrders(lake, topic);
      const compact = awsCompactionFanOut(
        async () => context,
        quietObservability(topic.name, join(lake.where, 'invocations.jsonl')),
        undefined,
        localIcebergTarget(topic, lake),
      );

      // Act
      await compact();

      // Assess
      expectEveryRecordOnce({ read: await readWithPyIceberg(`${lake.lakeLocation}compacted/orders`), raw });
    } finally {
      await lake.close();
    }
  });
});
