import type { TopicConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';
import type { CaptureStore } from '../../shared/store.js';
import { createAzureStore } from '../../shared/stores/azure/createAzureStore.js';
import { dynamoClientFor } from '../../shared/stores/dynamodb/dynamoClient.js';
import { createS3Store, s3ClientFor } from '../../shared/stores/s3/createS3Store.js';

/** A lake in the cloud, opened with the reader's own credentials. */
export const DEPLOYED_LAKE_KINDS = ['azure', 'aws'] as const;
export type DeployedLakeKind = (typeof DEPLOYED_LAKE_KINDS)[number];

export interface DeployedLakeOptions {
  /** Azure: the storage account, reached with `DefaultAzureCredential` (`az login`, a managed identity, …). */
  readonly account?: string | undefined;
  /** AWS: the topic's lake bucket (the stack's output); else `CAPTURE_BUCKET`, as the functions read it. */
  readonly bucket?: string | undefined;
  /** AWS: the topic's ledger table (the stack's output); else `CAPTURE_LEDGER_TABLE`, as the functions read it. */
  readonly ledgerTable?: string | undefined;
}

/**
 * A deployed lake as the functions open it, with the credentials of whoever runs the console: on
 * Azure the topic's `storage` settings resolved as the Function App resolves them (the connection
 * string in the app setting `storage.connection`, or its `__blobServiceUri` and `__tableServiceUri`
 * with `DefaultAzureCredential`; `account` sets both URIs), on AWS the bucket and the ledger table
 * through the SDK's default chain (`AWS_PROFILE`, SSO, environment keys; `AWS_REGION`;
 * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_DYNAMODB`). The
 * console reads it through its read-only facade; nothing here is stored or printed but names.
 *
 * @throws ConfigError naming what to set when the lake cannot be named.
 */
export async function openDeployedLake(
  kind: DeployedLakeKind,
  topic: TopicConfig,
  options: DeployedLakeOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ store: CaptureStore; where: string }> {
  if (kind === 'azure') {
    const { connection, container, ledgerTable } = topic.storage;
    const settings = options.account === undefined ? env : accountSettings(connection, options.account, env);
    // Names the setting or the host only: a value pasted with a SAS must not reach the page.
    const blobServiceUri = settings[`${connection}__blobServiceUri`];
    const how = settings[connection]
      ? `the connection string in ${connection}`
      : `DefaultAzureCredential, ${blobServiceUri && URL.canParse(blobServiceUri) ? new URL(blobServiceUri).host : `${connection}__blobServiceUri`}`;
    return {
      // Read-only: a mistyped container or table name must not be created in the account.
      store: await createAzureStore(topic.storage, settings, false),
      where: `Azure storage, container "${container}", table "${ledgerTable}" (${how})`,
    };
  }
  const bucket = options.bucket ?? env.CAPTURE_BUCKET;
  if (!bucket) {
    throw new ConfigError(
      'the AWS lake needs its bucket: give --bucket <name> (the stack output BucketName) or set CAPTURE_BUCKET',
    );
  }
  const ledgerTable = options.ledgerTable ?? env.CAPTURE_LEDGER_TABLE;
  if (!ledgerTable) {
    throw new ConfigError(
      'the AWS lake needs its ledger table: give --ledger-table <name> (the stack output LedgerTableName) or set CAPTURE_LEDGER_TABLE',
    );
  }
  return {
    // Read-only: the console never writes a ledger, so the bucket's old ledger objects stay as they are.
    store: createS3Store({
      bucket,
      client: s3ClientFor({}),
      ledgerTable: { name: ledgerTable, client: dynamoClientFor() },
    }),
    where: `S3 bucket "${bucket}", ledger table "${ledgerTable}" (the AWS SDK's default credential chain)`,
  };
}

/** The identity form of the topic's connection, pointed at the account's public endpoints. */
function accountSettings(connection: string, account: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!/^[a-z0-9]{3,24}$/.test(account)) {
    throw new ConfigError(
      `--account "${account}" is not a storage account name (3 to 24 lowercase letters and digits)`,
    );
  }
  const { [connection]: _connectionString, ...rest } = env;
  return {
    ...rest,
    [`${connection}__blobServiceUri`]: `https://${account}.blob.core.windows.net`,
    [`${connection}__tableServiceUri`]: `https://${account}.table.core.windows.net`,
  };
}
