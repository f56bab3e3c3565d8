import { resolve } from 'node:path';
import type { TopicConfig } from '../shared/config/schema.js';
import type { CaptureStore } from '../shared/store.js';
import { createAzureStore } from '../shared/stores/azure/createAzureStore.js';
import { createFsStore } from '../shared/stores/fs/createFsStore.js';
import { startAzurite } from './azurite.js';

export const STORE_KINDS = ['fs', 'azurite'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface LocalStore {
  readonly store: CaptureStore;
  /** Where the output is and how to look at it, for the closing summary. */
  readonly where: string;
  close(): Promise<void>;
}

/**
 * The store a local run writes to: the lake in a folder, or Azurite (started here, its data persisted
 * in `<dir>/azurite` so a second run or a second command sees the same account).
 */
export async function openLocalStore(kind: StoreKind, dir: string, topic: TopicConfig): Promise<LocalStore> {
  const folder = resolve(dir);
  if (kind === 'fs') {
    return { store: createFsStore(folder), where: folder, close: async () => {} };
  }
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
