import type { TopicConfig } from '../../shared/config/schema.js';
import type { CaptureStore } from '../../shared/store.js';
import { createAzureStore } from '../../shared/stores/azure/createAzureStore.js';
import { dynamoClientFor } from '../../shared/stores/dynamodb/dynamoClient.js';
import { createFsStore } from '../../shared/stores/fs/createFsStore.js';
import { createS3Store, s3ClientFor } from '../../shared/stores/s3/createS3Store.js';

/**
 * What another thread needs to open a store on an open lake, as plain data it can be sent: the
 * folder, or the emulator endpoints the lake's `store` uses (its fault proxies' when it has them).
 */
export type LakeRecipe =
  | { readonly kind: 'fs'; readonly root: string }
  | {
      readonly kind: 'azurite';
      readonly storage: TopicConfig['storage'];
      readonly connectionString: string;
    }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly endpoint: string;
      /** The ledger's DynamoDB table, for a lake whose ledger is not in the bucket. */
      readonly ledgerTable?: { readonly name: string; readonly endpoint: string };
    };

/** A store of this thread's own on the lake; `close` lets its clients' sockets go. */
export async function openLakeRecipe(
  recipe: LakeRecipe,
): Promise<{ store: CaptureStore; close(): Promise<void> }> {
  if (recipe.kind === 'fs') return { store: createFsStore(recipe.root), close: async () => {} };
  if (recipe.kind === 'azurite') {
    const { storage, connectionString } = recipe;
    const store = await createAzureStore(storage, { [storage.connection]: connectionString });
    return { store, close: async () => {} };
  }
  const client = s3ClientFor({ endpoint: recipe.endpoint });
  const tables = recipe.ledgerTable && dynamoClientFor({ endpoint: recipe.ledgerTable.endpoint });
  const store = createS3Store({
    bucket: recipe.bucket,
    client,
    createBucketIfMissing: true,
    ...(recipe.ledgerTable && tables
      ? { ledgerTable: { name: recipe.ledgerTable.name, client: tables } }
      : {}),
  });
  return {
    store,
    close: async () => {
      client.destroy();
      tables?.destroy();
    },
  };
}
