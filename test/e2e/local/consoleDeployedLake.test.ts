import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildLakeView, type LakeView } from '../../../local/console/lakeView.js';
import { readOnlyLakeOf } from '../../../local/console/readOnlyLake.js';
import { type Lake, openLake } from '../../../local/emulators/openLake.js';
import { topicConfig } from '../../helpers/factories.js';
import { type RunningCommand, startNpmCommand } from '../../helpers/runningCommand.js';
import { captureTwoHoursOfOrders } from '../../helpers/twoHoursOfOrders.js';

/**
 * The console against a lake it did not open as an emulator: `--store azure` and `--store aws` take
 * the lake from the environment as a deployed one (the app setting's connection string; the AWS SDK's
 * default chain with `AWS_ENDPOINT_URL_S3` and `AWS_ENDPOINT_URL_DYNAMODB`), here pointed at the
 * suite's Azurite and moto servers. The AWS lake keeps its ledger in a table, as the stack deploys it.
 */
async function deployedLakeOn(
  kind: 'azurite' | 's3',
): Promise<{ lake: Lake; config: string; expected: LakeView }> {
  const lake = await openLake(kind, {
    emulators: {
      azuriteConnectionString: inject('azuriteConnectionString'),
      s3Endpoint: inject('s3Endpoint'),
      dynamodbEndpoint: inject('dynamodbEndpoint'),
    },
    ledgerInTable: kind === 's3',
  });
  const topic = { ...topicConfig({ name: 'orders', jsonl: { envelope: true } }), storage: lake.storage };
  await captureTwoHoursOfOrders(lake, topic);
  const folder = await mkdtemp(join(tmpdir(), 'console-deployed-'));
  scratch.push(folder);
  const config = join(folder, 'capture.config.json');
  await writeFile(
    config,
    JSON.stringify({
      topics: [{ name: 'orders', source: 'kafka', jsonl: { envelope: true }, storage: lake.storage }],
    }),
  );
  const expected = await buildLakeView({
    lake: readOnlyLakeOf(lake.direct),
    topic,
    where: lake.where,
    logFile: null,
    hours: 3,
    cache: new Map(),
    clock: Date.now,
  });
  return { lake, config, expected };
}

const scratch: string[] = [];
const lakes: Lake[] = [];
const consoles: RunningCommand[] = [];
afterAll(async () => {
  for (const running of consoles) await running.stop();
  for (const lake of lakes) await lake.close();
  for (const folder of scratch) await rm(folder, { recursive: true, force: true });
});

/** What the served view holds that does not depend on when or from where it was read. */
function timeless(view: LakeView) {
  return {
    grid: view.grid,
    deadLetters: view.deadLetters,
    compaction: view.compaction,
    freshness: view.freshness.map(({ behindSeconds: _, sealedBehindSeconds: __, ...row }) => row),
  };
}

describe('Command: npm run console against a deployed lake', () => {
  it.each([
    [
      'azure',
      'azurite',
      (lake: Lake) => ({ [lake.storage.connection]: lake.endpoints.azuriteConnectionString as string }),
      /^Azure storage, container "lake-[0-9a-f]+", table "lake[0-9a-f]+" \(the connection string in LakeStorage\)$/,
    ],
    [
      'aws',
      's3',
      (lake: Lake) => ({
        AWS_ENDPOINT_URL_S3: lake.endpoints.s3Endpoint as string,
        AWS_ENDPOINT_URL_DYNAMODB: lake.endpoints.dynamodbEndpoint as string,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        CAPTURE_BUCKET: lake.storage.container,
        CAPTURE_LEDGER_TABLE: lake.storage.ledgerTable,
      }),
      /^S3 bucket "lake-[0-9a-f]+", ledger table "lake[0-9a-f]+" \(the AWS SDK's default credential chain\)$/,
    ],
  ] as const)(
    '--store %s reads the lake with the credentials of the environment, and shows what the lake holds',
    async (store, emulator, environment, where) => {
      // Prepare
      const { lake, config, expected } = await deployedLakeOn(emulator);
      lakes.push(lake);

      // Act
      const started = await startNpmCommand(
        ['run', 'console', '--', '--store', store, '--config', config, '--topic', 'orders', '--port', '0'],
        /http:\/\/127\.0\.0\.1:\d+\//,
        environment(lake),
      );
      consoles.push(started.command);
      const served = (await (await fetch(`${started.match[0]}lake.json`)).json()) as LakeView;

      // Assess
      expect(served.where).toMatch(where);
      expect(served.grid.partitions.map((row) => row.partition)).toEqual(['0', '1']);
      expect(timeless(served)).toEqual(timeless(expected));
    },
  );

  it('--store azure creates nothing in the account, not even a container or table named wrong', async () => {
    // Prepare: a topic whose storage names a container and a table the account does not have
    const connectionString = inject('azuriteConnectionString');
    const id = randomUUID().replaceAll('-', '').slice(0, 12);
    const storage = { container: `absent-${id}`, ledgerTable: `absent${id}`, connection: 'LakeStorage' };
    const folder = await mkdtemp(join(tmpdir(), 'console-deployed-'));
    scratch.push(folder);
    const config = join(folder, 'capture.config.json');
    await writeFile(config, JSON.stringify({ topics: [{ name: 'orders', source: 'kafka', storage }] }));
    const started = await startNpmCommand(
      ['run', 'console', '--', '--store', 'azure', '--config', config, '--topic', 'orders', '--port', '0'],
      /http:\/\/127\.0\.0\.1:\d+\//,
      { LakeStorage: connectionString },
    );
    consoles.push(started.command);

    // Act
    const page = await (await fetch(started.match[0])).text();

    // Assess
    expect(page).toContain('The lake could not be read');
    const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
      storage.container,
    );
    expect(await container.exists()).toBe(false);
    const tables = [];
    const service = TableServiceClient.fromConnectionString(connectionString, {
      allowInsecureConnection: true,
    });
    for await (const table of service.listTables()) tables.push(table.name);
    expect(tables).not.toContain(storage.ledgerTable);
  });
});
