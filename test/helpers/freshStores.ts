import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import type { CaptureStore } from '../../shared/store.js';
import { createAzureStore } from '../../shared/stores/azure/createAzureStore.js';
import { createFsStore } from '../../shared/stores/fs/createFsStore.js';
import { createS3Store, s3ClientFor } from '../../shared/stores/s3/createS3Store.js';

/** A store on the filesystem, in a folder of its own. */
export async function freshFsStore(): Promise<CaptureStore> {
  return createFsStore(await mkdtemp(join(tmpdir(), 'capture-test-')));
}

/**
 * A store on the suite's Azurite with a container and ledger table of its own: tests reuse topic and
 * partition names, so they must never share a lake or a ledger.
 */
export function freshAzuriteStore(): Promise<CaptureStore> {
  const id = randomUUID().replaceAll('-', '').slice(0, 12);
  return createAzureStore(
    { container: `test-${id}`, ledgerTable: `ledger${id}`, connection: 'LakeStorage' },
    { LakeStorage: inject('azuriteConnectionString') },
  );
}

/** One client per test file: a client per store would leave a pool of idle sockets behind each. */
let s3Client: S3Client | undefined;

/** A store on the suite's moto S3 server with a bucket of its own, for lake and ledger alike (see above). */
export async function freshS3Store(): Promise<CaptureStore> {
  s3Client ??= s3ClientFor({ endpoint: inject('s3Endpoint') });
  const bucket = `test-${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  return createS3Store({ bucket, client: s3Client, createBucketIfMissing: true });
}

/** Every store a pipeline test runs against, for `describe.each`. */
export const FRESH_STORES: [string, () => Promise<CaptureStore>][] = [
  ['filesystem', freshFsStore],
  ['Azurite', freshAzuriteStore],
  ['S3 (moto)', freshS3Store],
];
