import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { TopicConfig } from '../../config/schema.js';
import { ConfigError } from '../../errors.js';
import type { CaptureStore } from '../../store.js';
import { createBlobObjectStore } from './blobObjectStore.js';
import { createTableLedgerStore } from './tableLedgerStore.js';

/**
 * A few quick SDK retries absorb a blip; anything longer is better retried by the platform, which
 * redelivers the batch with its own backoff instead of holding a function instance.
 */
const BLOB_OPTIONS: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 4_000, tryTimeoutInMs: 60_000 },
};
const TABLE_OPTIONS: TableServiceClientOptions = {
  retryOptions: { maxRetries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 4_000 },
};

/**
 * Builds the Azure store of one topic from its `storage` config and the app settings, as Azure
 * Functions bindings resolve connections:
 *
 * - `<connection>`: a storage connection string (Azurite's and `UseDevelopmentStorage=true` included);
 * - otherwise `<connection>__blobServiceUri` and `<connection>__tableServiceUri` with
 *   `DefaultAzureCredential` (managed identity in Azure; `<connection>__clientId` picks a user-assigned one).
 *
 * No request is made here: the container and the table are created on first use, unless
 * `createIfMissing` is false (a reader that must never write to the account).
 *
 * @example
 * const store = await createAzureStore(topic.storage, process.env);
 * @throws ConfigError naming the app settings to set when neither form is configured.
 */
export async function createAzureStore(
  storage: TopicConfig['storage'],
  env: NodeJS.ProcessEnv,
  createIfMissing = true,
): Promise<CaptureStore> {
  const { connection } = storage;
  const connectionString = env[connection];
  if (connectionString) {
    return fromConnectionString(storage, connectionString, createIfMissing);
  }
  const blobServiceUri = env[`${connection}__blobServiceUri`];
  const tableServiceUri = env[`${connection}__tableServiceUri`];
  if (!blobServiceUri || !tableServiceUri) {
    const missingUris = [
      [`${connection}__blobServiceUri`, blobServiceUri],
      [`${connection}__tableServiceUri`, tableServiceUri],
    ].flatMap(([setting, value]) => (value ? [] : [setting]));
    // With one URI present the intent is identity, so only the other URI is reported missing.
    const notSet = blobServiceUri || tableServiceUri ? missingUris : [connection, ...missingUris];
    throw new ConfigError(
      `storage.connection "${connection}": set the app setting ${connection} to a storage connection string, ` +
        `or both ${connection}__blobServiceUri and ${connection}__tableServiceUri to use a managed identity ` +
        `(not set: ${notSet.join(', ')})`,
    );
  }
  const credential = await defaultCredential(env[`${connection}__clientId`]);
  const blobService = new BlobServiceClient(
    checkedUrl(blobServiceUri, `${connection}__blobServiceUri`),
    credential,
    BLOB_OPTIONS,
  );
  const table = new TableClient(
    checkedUrl(tableServiceUri, `${connection}__tableServiceUri`),
    storage.ledgerTable,
    credential,
    TABLE_OPTIONS,
  );
  return {
    objects: createBlobObjectStore(blobService.getContainerClient(storage.container), createIfMissing),
    ledger: createTableLedgerStore(table, createIfMissing),
  };
}

function fromConnectionString(
  storage: TopicConfig['storage'],
  connectionString: string,
  createIfMissing: boolean,
): CaptureStore {
  // Azurite speaks plain HTTP; the Tables SDK wants that acknowledged, never for real accounts.
  const insecure = /UseDevelopmentStorage=true|DefaultEndpointsProtocol=http(;|$)|Endpoint=http:\/\//i.test(
    connectionString,
  );
  try {
    const blobService = BlobServiceClient.fromConnectionString(connectionString, BLOB_OPTIONS);
    const table = TableClient.fromConnectionString(connectionString, storage.ledgerTable, {
      ...TABLE_OPTIONS,
      allowInsecureConnection: insecure,
    });
    return {
      objects: createBlobObjectStore(blobService.getContainerClient(storage.container), createIfMissing),
      ledger: createTableLedgerStore(table, createIfMissing),
    };
  } catch (error) {
    // The SDK's message is kept as the cause; ours never echoes the string, which holds the account key.
    throw new ConfigError(
      `storage.connection "${storage.connection}": the app setting ${storage.connection} is not a usable storage connection string`,
      { cause: error },
    );
  }
}

/** Loaded on demand: identity pulls in MSAL, which connection-string deployments never need at cold start. */
async function defaultCredential(managedIdentityClientId: string | undefined): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return managedIdentityClientId
    ? new DefaultAzureCredential({ managedIdentityClientId })
    : new DefaultAzureCredential();
}

function checkedUrl(value: string, setting: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new ConfigError(
      `the app setting ${setting} must be a service URL such as https://<account>.blob.core.windows.net`,
    );
  }
  return value;
}
