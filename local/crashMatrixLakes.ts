import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import type { CaptureStore } from '../shared/store.js';
import { createAzureStore } from '../shared/stores/azure/createAzureStore.js';
import { createFsStore } from '../shared/stores/fs/createFsStore.js';
import { createS3Store, s3ClientFor } from '../shared/stores/s3/createS3Store.js';
import { startAzurite } from './azurite.js';
import { ensureS3Server, type RunningS3Server, startS3Server } from './s3Server.js';

export const CRASH_MATRIX_STORES = ['fs', 'azurite', 's3'] as const;
export type CrashMatrixStore = (typeof CRASH_MATRIX_STORES)[number];

/** One lake and its ledgers, opened anew (new store, new wrappers) by every simulated process. */
export interface LakeLocation {
  open(): Promise<CaptureStore>;
  /**
   * Removes the lake and its ledgers once compared. Emulators shared with other tests must not fill
   * up: Azurite answers more slowly the more containers and tables it holds.
   */
  discard(): Promise<void>;
}

/** Empty lakes on one kind of store, one per run, so that no run sees another's objects or ledgers. */
export interface Lakes {
  newLake(): Promise<LakeLocation>;
  /** Removes the scratch folder and stops the emulator this started. */
  close(): Promise<void>;
}

export interface EmulatorEndpoints {
  /** A running Azurite to use instead of starting one (the tests share theirs). */
  readonly azuriteConnectionString?: string;
  /** A running S3 server to use instead of starting one. */
  readonly s3Endpoint?: string;
}

export async function openLakes(store: CrashMatrixStore, endpoints: EmulatorEndpoints = {}): Promise<Lakes> {
  if (store === 'fs') return fsLakes();
  if (store === 'azurite') {
    const azurite =
      endpoints.azuriteConnectionString === undefined
        ? await startAzurite({ inMemory: true })
        : { connectionString: endpoints.azuriteConnectionString, stop: async () => {} };
    return { newLake: async () => azuriteLake(azurite.connectionString), close: () => azurite.stop() };
  }
  const server =
    endpoints.s3Endpoint === undefined
      ? await startedS3Server()
      : { endpoint: endpoints.s3Endpoint, stop: async () => {} };
  // One client for every process: it holds sockets and settings, nothing a restart would lose.
  const client = s3ClientFor({ endpoint: server.endpoint });
  return {
    newLake: async () => s3Lake(client, `crash-${uniqueId()}`),
    close: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

async function fsLakes(): Promise<Lakes> {
  const parent = await mkdtemp(join(tmpdir(), 'capture-crash-matrix-'));
  return {
    newLake: async () => {
      const root = await mkdtemp(join(parent, 'lake-'));
      return {
        open: async () => createFsStore(root),
        discard: () => rm(root, { recursive: true, force: true }),
      };
    },
    close: () => rm(parent, { recursive: true, force: true }),
  };
}

function azuriteLake(connectionString: string): LakeLocation {
  const id = uniqueId();
  const storage = { container: `crash-${id}`, ledgerTable: `crash${id}`, connection: 'LakeStorage' };
  return {
    open: () => createAzureStore(storage, { LakeStorage: connectionString }),
    discard: async () => {
      await BlobServiceClient.fromConnectionString(connectionString)
        .getContainerClient(storage.container)
        .deleteIfExists();
      await TableClient.fromConnectionString(connectionString, storage.ledgerTable, {
        allowInsecureConnection: true,
      }).deleteTable();
    },
  };
}

function s3Lake(client: S3Client, bucket: string): LakeLocation {
  return {
    open: async () => createS3Store({ bucket, client, createBucketIfMissing: true }),
    discard: async () => {
      // A crash matrix lake holds a few dozen keys: one page.
      const { Contents = [] } = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = Contents.flatMap((object) => (object.Key === undefined ? [] : [{ Key: object.Key }]));
      if (keys.length > 0)
        await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    },
  };
}

async function startedS3Server(): Promise<RunningS3Server> {
  await ensureS3Server();
  return startS3Server();
}

function uniqueId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}
