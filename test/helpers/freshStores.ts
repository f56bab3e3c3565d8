import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { CaptureStore } from '../../shared/store.js';
import { createAzureStore } from '../../shared/stores/azure/createAzureStore.js';
import { createFsStore } from '../../shared/stores/fs/createFsStore.js';

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

/** Every store a pipeline test runs against, for `describe.each`. */
export const FRESH_STORES: [string, () => Promise<CaptureStore>][] = [
  ['filesystem', freshFsStore],
  ['Azurite', freshAzuriteStore],
];
