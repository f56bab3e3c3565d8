import { isIP } from 'node:net';
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
 * its `AccountName` and `EndpointSuffix`, or `<connection>__blobServiceUri`. A blob endpoint's host
 * becomes the DFS host by its `blob` label (`acme.blob.core.windows.net`,
 * `acme.z12.blob.storage.azure.net`). An emulator's endpoint (an IP address or `localhost`, as
 * Azurite's) names no public host, so its account's public name stands in, and readers give the
 * emulator's endpoint themselves. Messages name settings, never their values, which may hold a SAS.
 *
 * @throws ConfigError naming the app setting when no location can be told from the settings.
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

function dfsHostOfBlobEndpoint(
  endpoint: string,
  account: string | null,
  suffix: string,
  setting: string,
): string {
  if (!URL.canParse(endpoint)) throw new ConfigError(`app setting ${setting} is not a URL`);
  const url = new URL(endpoint);
  const labels = url.hostname.split('.');
  const emulated = isIP(url.hostname) !== 0 || labels.at(-1) === 'localhost';
  const blobLabel = labels.indexOf('blob');
  if (!emulated && blobLabel > 0)
    return labels.map((label, index) => (index === blobLabel ? 'dfs' : label)).join('.');
  // An emulator's URL names its account in its path (`/devstoreaccount1`) or first host label.
  const named =
    account ?? (emulated ? (url.pathname.split('/').find((segment) => segment !== '') ?? labels[0]) : null);
  if (!named || (emulated && named === 'localhost')) {
    throw new ConfigError(
      `app setting ${setting}: its host ${url.hostname} is no blob endpoint of a storage account (<account>.blob.<suffix>), and no AccountName is given`,
    );
  }
  return `${named}.dfs.${emulated ? DEFAULT_ENDPOINT_SUFFIX : suffix}`;
}
