import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { openLake } from '../../local/emulators/openLake.js';
import type { CaptureStore, LedgerStore } from '../../shared/store.js';
import { dynamoClientFor } from '../../shared/stores/dynamodb/dynamoClient.js';
import { createS3Store, s3ClientFor } from '../../shared/stores/s3/createS3Store.js';

/** The suite's emulators, started once by the global setup (test/setup/). */
const suiteEmulators = () => ({
  azuriteConnectionString: inject('azuriteConnectionString'),
  s3Endpoint: inject('s3Endpoint'),
  dynamodbEndpoint: inject('dynamodbEndpoint'),
});

/** A store on the filesystem, in a folder of its own. */
export async function freshFsStore(): Promise<CaptureStore> {
  return (await openLake('fs')).store;
}

/**
 * A store on the suite's Azurite with a container and ledger table of its own: tests reuse topic and
 * partition names, so they must never share a lake or a ledger.
 */
export async function freshAzuriteStore(): Promise<CaptureStore> {
  return (await openLake('azurite', { emulators: suiteEmulators() })).store;
}

/** One client per test file: a client per store would leave a pool of idle sockets behind each. */
let s3Client: S3Client | undefined;
let dynamodbClient: DynamoDBClient | undefined;

/**
 * A store as the AWS stack deploys it, on the suite's moto servers: a bucket of its own for the lake,
 * and a ledger table of its own (see above).
 */
export async function freshS3Store(): Promise<CaptureStore> {
  s3Client ??= s3ClientFor({ endpoint: inject('s3Endpoint') });
  dynamodbClient ??= dynamoClientFor({ endpoint: inject('dynamodbEndpoint') });
  return (
    await openLake('s3', { emulators: suiteEmulators(), s3Client, dynamodbClient, ledgerInTable: true })
  ).store;
}

/** Stores made so far by `freshMigratingS3Store`, which sets where each one moves its ledger. */
let migrations = 0;

/**
 * A lake captured first by the version before the ledger table (its ledger in the bucket), then, from
 * a number of ledger calls on that differs from one store to the next (0 to 29), by the version with
 * the table, which moves each partition's ledger on its next write: the deploy, at every point of a
 * run in turn. The switch keeps the pipeline's ledger cache, so the first writes after it also meet
 * versions the table never wrote.
 */
export async function freshMigratingS3Store(): Promise<CaptureStore> {
  s3Client ??= s3ClientFor({ endpoint: inject('s3Endpoint') });
  dynamodbClient ??= dynamoClientFor({ endpoint: inject('dynamodbEndpoint') });
  const lake = await openLake('s3', {
    emulators: suiteEmulators(),
    s3Client,
    dynamodbClient,
    ledgerInTable: true,
  });
  const before = createS3Store({
    bucket: lake.storage.container,
    client: s3Client,
    createBucketIfMissing: true,
  });
  const switchAfter = (migrations++ * 7) % 30;
  let calls = 0;
  const ledger = (): LedgerStore => (calls++ < switchAfter ? before.ledger : lake.store.ledger);
  return {
    objects: lake.store.objects,
    ledger: {
      read: (topic, partition) => ledger().read(topic, partition),
      write: (topic, partition, state, expectedVersion) =>
        ledger().write(topic, partition, state, expectedVersion),
      partitions: (topic) => ledger().partitions(topic),
    },
  };
}

/** Every store a pipeline test runs against, for `describe.each`. */
export const FRESH_STORES: [string, () => Promise<CaptureStore>][] = [
  ['filesystem', freshFsStore],
  ['Azurite', freshAzuriteStore],
  ['S3 and DynamoDB (moto)', freshS3Store],
];
