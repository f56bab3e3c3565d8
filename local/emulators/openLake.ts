import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import type { TopicConfig } from '../../shared/config/schema.js';
import type { CaptureStore } from '../../shared/store.js';
import { azureLakeLocation } from '../../shared/stores/azure/azureLakeLocation.js';
import { createAzureStore } from '../../shared/stores/azure/createAzureStore.js';
import { dynamoClientFor } from '../../shared/stores/dynamodb/dynamoClient.js';
import { createFsStore } from '../../shared/stores/fs/createFsStore.js';
import { createS3Store, s3ClientFor } from '../../shared/stores/s3/createS3Store.js';
import { createFaultPlan, type FaultPlan, startFaultProxy } from '../faults/faultProxy.js';
import { startAzurite } from './azurite.js';
import { startDynamoServer } from './dynamoServer.js';
import type { LakeRecipe } from './lakeRecipe.js';
import { ensureS3Server, startS3Server } from './s3Server.js';
import { restoreBucket, saveBucket } from './s3Snapshot.js';
import type { RequestTally, ServerDialect } from './storageRequests.js';

/** The stores a lake can live on locally: a folder, Azurite, or the S3 emulator. */
export const LAKE_KINDS = ['fs', 'azurite', 's3'] as const;
export type LakeKind = (typeof LAKE_KINDS)[number];

export type StorageNames = TopicConfig['storage'];

/** Emulators already running, to use instead of starting one (the test suite shares its own). */
export interface RunningEmulators {
  readonly azuriteConnectionString?: string | undefined;
  readonly s3Endpoint?: string | undefined;
  /** moto's DynamoDB server, for an S3 lake whose ledger is in a table (`ledgerInTable`). */
  readonly dynamodbEndpoint?: string | undefined;
}

export interface LakeOptions {
  /**
   * Keep the lake where a later command finds it: the lake itself (fs), Azurite's data in
   * `<dir>/azurite`, or the bucket saved to `<dir>/s3/<bucket>` on close and restored on open (the S3
   * emulator keeps buckets in memory). Without it, a scratch lake with names of its own, removed on close.
   */
  readonly dir?: string | undefined;
  /** The container (or bucket) and ledger table; a scratch lake gets unique ones. */
  readonly storage?: StorageNames | undefined;
  readonly emulators?: RunningEmulators | undefined;
  /** Sends the functions' requests (`store`) through fault proxies drawing from this plan. */
  readonly faults?: FaultPlan | undefined;
  /** Counts the functions' requests (`store`) by kind, through proxies that forward them untouched. */
  readonly tally?: RequestTally | undefined;
  /** An S3 client to share (one per test file): each client keeps a pool of sockets. */
  readonly s3Client?: S3Client | undefined;
  /**
   * An S3 lake's ledger in a DynamoDB table named `storage.ledgerTable`, as the AWS stack deploys it,
   * instead of the bucket's `_ledger/`. Its table lives in the emulator's memory only: not for a lake
   * kept in `dir` between commands.
   */
  readonly ledgerInTable?: boolean | undefined;
  /** The ledger table's client to share, as `s3Client`. */
  readonly dynamodbClient?: DynamoDBClient | undefined;
  /**
   * Opened only to be looked at (the console): a bucket restored from `<dir>/s3/<bucket>` is not
   * saved back on close, so the folder stays as the command that wrote the lake left it, and Azurite
   * gets no container or table created by a read.
   */
  readonly readOnly?: boolean | undefined;
}

export interface Lake {
  readonly kind: LakeKind;
  /** The names it lives under: give them to the topic so its functions open this lake. */
  readonly storage: StorageNames;
  /** What the functions use: through the fault proxies when faults were asked for. */
  readonly store: CaptureStore;
  /** Straight to the lake, for observers, audits and read-backs. */
  readonly direct: CaptureStore;
  /** The emulator endpoints `store` uses (the fault proxies' when faults were asked for), for another process. */
  readonly endpoints: RunningEmulators;
  /** What another thread opens to reach the lake as `store` does (through the same proxies). */
  readonly recipe: LakeRecipe;
  /** A store of its own on the same lake, as a restarted process would open it. */
  reopen(): Promise<CaptureStore>;
  /** Where the lake is and how to look at it, for a closing summary. */
  readonly where: string;
  /**
   * The lake's root as table readers address it, ending in `/` (`file:///…/`, `s3://<bucket>/`,
   * `abfss://<container>@devstoreaccount1.dfs.core.windows.net/` for Azurite, as the Function App would
   * name it): what Iceberg metadata written here records.
   */
  readonly lakeLocation: string;
  /** Saves what must be saved, removes a scratch lake, and stops what opening it started. */
  close(): Promise<void>;
}

type Cleanup = () => Promise<void>;

/**
 * Opens a lake on a local store: the one way every command, tool and test gets a store on the
 * filesystem or an emulator. Emulators not given are started here and stopped by `close`.
 *
 * @example
 * const lake = await openLake('azurite', { dir: '.lake', storage: topic.storage });
 * try { await ingestBatch({ topic, store: lake.store, clock }, records); } finally { await lake.close(); }
 */
export async function openLake(kind: LakeKind, options: LakeOptions = {}): Promise<Lake> {
  const cleanups: Cleanup[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    if (kind === 'fs') return await fsLake(options, cleanups, close);
    if (kind === 'azurite') return await azuriteLake(options, cleanups, close);
    return await s3Lake(options, cleanups, close);
  } catch (error) {
    await close();
    throw error;
  }
}

/** Starts the emulator a kind of lake needs (none for fs), for several lakes to share. */
export async function startEmulator(kind: LakeKind): Promise<{ emulators: RunningEmulators; stop: Cleanup }> {
  if (kind === 'azurite') {
    const azurite = await startAzurite({ inMemory: true });
    return { emulators: { azuriteConnectionString: azurite.connectionString }, stop: () => azurite.stop() };
  }
  if (kind === 's3') {
    await ensureS3Server();
    const [server, tables] = await Promise.all([startS3Server(), startDynamoServer()]);
    return {
      emulators: { s3Endpoint: server.endpoint, dynamodbEndpoint: tables.endpoint },
      stop: async () => {
        await Promise.all([server.stop(), tables.stop()]);
      },
    };
  }
  return { emulators: {}, stop: async () => {} };
}

/** Names no other lake on the same emulator has: tests and runs reuse topic and partition names. */
function uniqueStorage(prefix: string): StorageNames {
  const id = randomUUID().replaceAll('-', '').slice(0, 12);
  return { container: `${prefix}-${id}`, ledgerTable: `${prefix}${id}`, connection: 'LakeStorage' };
}

async function fsLake(options: LakeOptions, cleanups: Cleanup[], close: Cleanup): Promise<Lake> {
  if (options.faults) throw new Error('fault injection needs an emulator: use azurite or s3');
  let root: string;
  if (options.dir === undefined) {
    root = await mkdtemp(join(tmpdir(), 'capture-lake-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
  } else {
    root = resolve(options.dir);
  }
  const store = createFsStore(root);
  return {
    kind: 'fs',
    storage: options.storage ?? uniqueStorage('lake'),
    store,
    direct: store,
    endpoints: {},
    recipe: { kind: 'fs', root },
    reopen: async () => createFsStore(root),
    where: root,
    lakeLocation: `${pathToFileURL(root).href}/`,
    close,
  };
}

async function azuriteLake(options: LakeOptions, cleanups: Cleanup[], close: Cleanup): Promise<Lake> {
  const scratch = options.dir === undefined;
  const storage = options.storage ?? uniqueStorage('lake');
  let connectionString = options.emulators?.azuriteConnectionString;
  const location = scratch ? undefined : resolve(options.dir as string, 'azurite');
  if (connectionString === undefined) {
    const azurite = await startAzurite(location === undefined ? { inMemory: true } : { location });
    cleanups.push(() => azurite.stop());
    connectionString = azurite.connectionString;
  }
  const direct = connectionString;
  if (scratch && options.emulators?.azuriteConnectionString !== undefined) {
    // A scratch lake on a shared emulator is removed, or Azurite slows down as containers pile up.
    cleanups.push(() => deleteAzureLake(direct, storage));
  }
  let proxied = direct;
  const proxy = proxyOptions(options);
  if (proxy) {
    const blob = endpointOf(direct, 'BlobEndpoint');
    const table = endpointOf(direct, 'TableEndpoint');
    proxied = direct
      .replace(blob.origin, await faultProxy(blob.origin, 'azure-blob', proxy, cleanups))
      .replace(table.origin, await faultProxy(table.origin, 'azure-table', proxy, cleanups));
  }
  const open = (connection: string) =>
    createAzureStore(storage, { [storage.connection]: connection }, !options.readOnly);
  return {
    kind: 'azurite',
    storage,
    store: await open(proxied),
    direct: await open(direct),
    endpoints: { azuriteConnectionString: proxied },
    recipe: { kind: 'azurite', storage, connectionString: proxied },
    reopen: () => open(direct),
    where:
      location === undefined
        ? `Azurite, container "${storage.container}", table "${storage.ledgerTable}"`
        : `Azurite (data in ${location}), container "${storage.container}", table "${storage.ledgerTable}"`,
    // Only an Iceberg compaction asks: an odd --azurite string must not stop every other command.
    get lakeLocation() {
      return azureLakeLocation(storage, { [storage.connection]: direct });
    },
    close,
  };
}

async function s3Lake(options: LakeOptions, cleanups: Cleanup[], close: Cleanup): Promise<Lake> {
  const storage = options.storage ?? uniqueStorage('lake');
  const bucket = storage.container;
  let endpoint = options.emulators?.s3Endpoint;
  if (endpoint === undefined) {
    await ensureS3Server();
    const server = await startS3Server();
    cleanups.push(() => server.stop());
    endpoint = server.endpoint;
  }
  const client = options.s3Client ?? s3ClientFor({ endpoint });
  if (options.s3Client === undefined) cleanups.push(async () => client.destroy());
  let where = `the S3 emulator, bucket "${bucket}"`;
  // An emulator started here keeps buckets in memory only for this command; one already running
  // outlives it and needs no copy.
  if (options.dir !== undefined && options.emulators?.s3Endpoint === undefined) {
    // The emulator keeps buckets in memory: the lake lives in a folder between commands.
    const snapshot = resolve(options.dir, 's3', bucket);
    await restoreBucket(client, bucket, snapshot);
    if (options.readOnly) {
      where = `${where} (restored from ${snapshot})`;
    } else {
      cleanups.push(async () => {
        await saveBucket(client, bucket, snapshot);
      });
      where = `${where} (saved to ${snapshot} when the command ends)`;
    }
  } else if (options.dir === undefined && options.emulators?.s3Endpoint !== undefined) {
    cleanups.push(() => deleteBucket(client, bucket));
  }
  let tableEndpoint: string | undefined;
  if (options.ledgerInTable) {
    if (options.dir !== undefined) throw new Error('a lake kept in a folder keeps its ledger in the bucket');
    tableEndpoint = options.emulators?.dynamodbEndpoint;
    if (tableEndpoint === undefined) {
      const server = await startDynamoServer();
      cleanups.push(() => server.stop());
      tableEndpoint = server.endpoint;
    }
    where = `${where}, ledger table "${storage.ledgerTable}"`;
  }
  const directTable = options.dynamodbClient ?? tableClient(tableEndpoint, cleanups);
  const s3StoreOf = (s3Client: S3Client, ledgerClient: DynamoDBClient | undefined) =>
    createS3Store({
      bucket,
      client: s3Client,
      createBucketIfMissing: true,
      ...(ledgerClient === undefined
        ? {}
        : { ledgerTable: { name: storage.ledgerTable, client: ledgerClient } }),
    });
  let store = s3StoreOf(client, directTable);
  let storeEndpoint = endpoint;
  let storeTableEndpoint = tableEndpoint;
  const proxy = proxyOptions(options);
  if (proxy) {
    storeEndpoint = await faultProxy(endpoint, 's3', proxy, cleanups);
    const faulty = s3ClientFor({ endpoint: storeEndpoint });
    cleanups.push(async () => faulty.destroy());
    if (tableEndpoint !== undefined)
      storeTableEndpoint = await faultProxy(tableEndpoint, 'dynamodb', proxy, cleanups);
    store = s3StoreOf(faulty, tableClient(storeTableEndpoint, cleanups));
  }
  return {
    kind: 's3',
    storage,
    store,
    direct: s3StoreOf(client, directTable),
    endpoints: { s3Endpoint: storeEndpoint, dynamodbEndpoint: storeTableEndpoint },
    recipe: {
      kind: 's3',
      bucket,
      endpoint: storeEndpoint,
      ...(storeTableEndpoint === undefined
        ? {}
        : { ledgerTable: { name: storage.ledgerTable, endpoint: storeTableEndpoint } }),
    },
    reopen: async () => s3StoreOf(client, directTable),
    where,
    lakeLocation: `s3://${bucket}/`,
    close,
  };
}

interface ProxyOptions {
  readonly plan: FaultPlan;
  readonly tally?: RequestTally | undefined;
}

/** Proxies are needed for faults, for counting, or both; counting alone injects nothing. */
function proxyOptions(options: LakeOptions): ProxyOptions | undefined {
  if (!options.faults && !options.tally) return undefined;
  return { plan: options.faults ?? createFaultPlan({ rate: 0, seed: 0 }), tally: options.tally };
}

async function faultProxy(
  target: string,
  dialect: ServerDialect,
  proxy: ProxyOptions,
  cleanups: Cleanup[],
): Promise<string> {
  const running = await startFaultProxy({ target, dialect, plan: proxy.plan, tally: proxy.tally });
  cleanups.push(() => running.stop());
  return running.origin;
}

function endpointOf(connectionString: string, setting: 'BlobEndpoint' | 'TableEndpoint'): URL {
  const value = new RegExp(`(?:^|;)${setting}=([^;]+)`).exec(connectionString)?.[1];
  if (value === undefined) throw new Error(`the Azurite connection string has no ${setting}`);
  return new URL(value);
}

async function deleteAzureLake(connectionString: string, storage: StorageNames): Promise<void> {
  await BlobServiceClient.fromConnectionString(connectionString)
    .getContainerClient(storage.container)
    .deleteIfExists();
  await TableClient.fromConnectionString(connectionString, storage.ledgerTable, {
    allowInsecureConnection: true,
  })
    .deleteTable()
    .catch(() => {});
}

async function deleteBucket(client: S3Client, bucket: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
    if (keys.length > 0)
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
}

/** A DynamoDB client for the ledger table's emulator, destroyed on close; none without a table. */
function tableClient(endpoint: string | undefined, cleanups: Cleanup[]): DynamoDBClient | undefined {
  if (endpoint === undefined) return undefined;
  const client = dynamoClientFor({ endpoint });
  cleanups.push(async () => client.destroy());
  return client;
}
