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

/**
 * A store of this thread's own on the lake, for a thread that lives as long as the lake is open: its
 * clients' sockets end with the thread.
 */
export async function openLakeRecipe(recipe: LakeRecipe): Promise<CaptureStore> {
  if (recipe.kind === 'fs') return createFsStore(recipe.root);
  if (recipe.kind === 'azurite') {
    const { storage, connectionString } = recipe;
    return createAzureStore(storage, { [storage.connection]: connectionString });
  }
  const { ledgerTable } = recipe;
  return createS3Store({
    bucket: recipe.bucket,
    client: s3ClientFor({ endpoint: recipe.endpoint }),
    createBucketIfMissing: true,
    ...(ledgerTable === undefined
      ? {}
      : {
          ledgerTable: {
            name: ledgerTable.name,
            client: dynamoClientFor({ endpoint: ledgerTable.endpoint }),
          },
        }),
  });
}
