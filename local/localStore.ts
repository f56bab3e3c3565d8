import { resolve } from 'node:path';
import type { TopicConfig } from '../shared/config/schema.js';
import type { CaptureStore } from '../shared/store.js';
import { createAzureStore } from '../shared/stores/azure/createAzureStore.js';
import { createFsStore } from '../shared/stores/fs/createFsStore.js';
import { createS3Store, s3ClientFor } from '../shared/stores/s3/createS3Store.js';
import { startAzurite } from './azurite.js';
import { ensureS3Server, startS3Server } from './s3Server.js';
import { restoreBucket, saveBucket } from './s3Snapshot.js';

export const STORE_KINDS = ['fs', 'azurite', 's3'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface LocalStore {
  readonly store: CaptureStore;
  /** Where the output is and how to look at it, for the closing summary. */
  readonly where: string;
  close(): Promise<void>;
}

/**
 * The store a local run writes to: the lake in a folder, Azurite (started here, its data persisted
 * in `<dir>/azurite` so a second run or a second command sees the same account), or the S3 emulator
 * (started here, its bucket saved to `<dir>/s3/<bucket>` at the end and restored at the start).
 */
export async function openLocalStore(kind: StoreKind, dir: string, topic: TopicConfig): Promise<LocalStore> {
  const folder = resolve(dir);
  if (kind === 'fs') {
    return { store: createFsStore(folder), where: folder, close: async () => {} };
  }
  if (kind === 's3') return openS3Store(folder, topic.storage.container);
  const azurite = await startAzurite({ location: resolve(folder, 'azurite') });
  try {
    const store = await createAzureStore(topic.storage, {
      [topic.storage.connection]: azurite.connectionString,
    });
    return {
      store,
      where: `Azurite (data in ${resolve(folder, 'azurite')}), container "${topic.storage.container}", table "${topic.storage.ledgerTable}"`,
      close: () => azurite.stop(),
    };
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}

async function openS3Store(folder: string, bucket: string): Promise<LocalStore> {
  await ensureS3Server();
  const server = await startS3Server();
  const snapshot = resolve(folder, 's3', bucket);
  try {
    const client = s3ClientFor({ endpoint: server.endpoint });
    const store = createS3Store({ bucket, client, createBucketIfMissing: true });
    await restoreBucket(client, bucket, snapshot);
    return {
      store,
      where: `the S3 emulator, bucket "${bucket}" (saved to ${snapshot} when the command ends)`,
      close: async () => {
        try {
          await saveBucket(client, bucket, snapshot);
        } finally {
          client.destroy();
          await server.stop();
        }
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
