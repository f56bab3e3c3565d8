import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lake } from '../../../local/emulators/openLake.js';
import type { ObjectStore } from '../../../shared/store.js';

/** Where delta-rs finds a table of a lake in place, and the options that reach the emulator. */
export interface TableLocation {
  readonly uri: string;
  readonly storageOptions?: Readonly<Record<string, string>>;
  /** The store path of a file URI delta-rs listed. */
  readonly storePathOf: (uri: string) => string;
}

/**
 * The table under `root` as delta-rs addresses it on each store: a folder, `az://container/…` on
 * Azurite (account key and endpoint from its connection string), `s3://bucket/…` on the S3 emulator.
 */
export function tableLocation(
  lake: Lake,
  root: string,
  emulators: { azuriteConnectionString: string; s3Endpoint: string },
): TableLocation {
  const bucket = lake.storage.container;
  if (lake.kind === 'fs') {
    return {
      uri: join(lake.where, root),
      storePathOf: (uri) =>
        (uri.startsWith('file://') ? fileURLToPath(uri) : uri).slice(lake.where.length + 1),
    };
  }
  const strip = (scheme: string) => (uri: string) =>
    decodeURIComponent(uri.slice(`${scheme}://${bucket}/`.length));
  if (lake.kind === 'azurite') {
    const setting = (name: string) =>
      new RegExp(`(?:^|;)${name}=([^;]+)`).exec(emulators.azuriteConnectionString)?.[1] ?? '';
    return {
      uri: `az://${bucket}/${root}`,
      storageOptions: {
        account_name: setting('AccountName'),
        account_key: setting('AccountKey'),
        azure_storage_endpoint: setting('BlobEndpoint'),
        allow_http: 'true',
      },
      storePathOf: strip('az'),
    };
  }
  return {
    uri: `s3://${bucket}/${root}`,
    storageOptions: {
      AWS_ENDPOINT_URL: emulators.s3Endpoint,
      AWS_ALLOW_HTTP: 'true',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    },
    storePathOf: strip('s3'),
  };
}

/**
 * Copies every object under `prefix` into `folder`, byte for byte: Spark reads a table written to
 * Azurite or the S3 emulator from such a copy, since reading them in place would need Hadoop's
 * object-store connectors and their SDKs (hundreds of MB) that open-source Spark does not ship.
 */
export async function copyPrefix(objects: ObjectStore, prefix: string, folder: string): Promise<string> {
  for (const path of await objects.list(prefix)) {
    const target = join(folder, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await objects.read(path));
  }
  return join(folder, prefix);
}
