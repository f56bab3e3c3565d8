import type { TopicConfig } from '../../config/schema.js';
import { ConfigError } from '../../errors.js';

/** Azurite's and `UseDevelopmentStorage=true`'s account. */
const DEVELOPMENT_ACCOUNT = 'devstoreaccount1';
const DEFAULT_ENDPOINT_SUFFIX = 'core.windows.net';

/**
 * The lake's root as Iceberg readers on Azure address it, ending in `/`:
 * `abfss://<container>@<account>.dfs.<suffix>/`, what Spark's ABFS driver, Iceberg's `ADLSFileIO` and
 * pyiceberg's adlfs open. It is written into every metadata file and manifest, so it comes from the
 * same app settings the store uses (see `createAzureStore`): a connection string's `BlobEndpoint`, or
 * its `AccountName` and `EndpointSuffix`, or `<connection>__blobServiceUri`. An emulator's endpoint
 * (Azurite: `http://127.0.0.1:10000/devstoreaccount1`) has no account in its host, so its account's
 * public name stands in, and readers give the emulator's endpoint themselves.
 *
 * @throws ConfigError naming the app settings when neither form is configured.
 */
export function azureLakeLocation(storage: TopicConfig['storage'], env: NodeJS.ProcessEnv): string {
  const { connection, container } = storage;
  const connectionString = env[connection];
  const blobServiceUri = env[`${connection}__blobServiceUri`];
  const host = connectionString
    ? dfsHostOfConnectionString(connectionString, connection)
    : blobServiceUri
      ? dfsHostOfBlobEndpoint(blobServiceUri, null, DEFAULT_ENDPOINT_SUFFIX, `${connection}__blobServiceUri`)
      : null;
  if (host === null) {
    throw new ConfigError(
      `storage.connection "${connection}": set the app setting ${connection} to a storage connection string, or ${connection}__blobServiceUri, so Iceberg metadata can name where the lake is`,
    );
  }
  return `abfss://${container}@${host}/`;
}

function dfsHostOfConnectionString(connectionString: string, setting: string): string {
  const fields = new Map(
    connectionString
      .split(';')
      .filter((field) => field.includes('='))
      .map((field) => {
        const at = field.indexOf('=');
        return [field.slice(0, at).trim().toLowerCase(), field.slice(at + 1).trim()] as const;
      }),
  );
  if (fields.get('usedevelopmentstorage')?.toLowerCase() === 'true') {
    return `${DEVELOPMENT_ACCOUNT}.dfs.${DEFAULT_ENDPOINT_SUFFIX}`;
  }
  const account = fields.get('accountname') ?? null;
  const suffix = fields.get('endpointsuffix') ?? DEFAULT_ENDPOINT_SUFFIX;
  const blobEndpoint = fields.get('blobendpoint');
  if (blobEndpoint) return dfsHostOfBlobEndpoint(blobEndpoint, account, suffix, `${setting} (BlobEndpoint)`);
  if (account) return `${account}.dfs.${suffix}`;
  throw new ConfigError(
    `app setting ${setting}: the connection string names no AccountName or BlobEndpoint, so Iceberg metadata cannot name where the lake is`,
  );
}

/** `https://acct.blob.core.windows.net` → `acct.dfs.core.windows.net`; an emulator's URL → its account's public name. */
function dfsHostOfBlobEndpoint(
  endpoint: string,
  account: string | null,
  suffix: string,
  setting: string,
): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(`app setting ${setting}: "${endpoint}" is not a URL`);
  }
  const [name, service, ...rest] = url.hostname.split('.');
  if (service === 'blob' && name && rest.length > 0) return `${name}.dfs.${rest.join('.')}`;
  const emulated = account ?? url.pathname.split('/').find((segment) => segment !== '');
  if (!emulated) {
    throw new ConfigError(`app setting ${setting}: "${endpoint}" names no storage account`);
  }
  return `${emulated}.dfs.${suffix}`;
}
