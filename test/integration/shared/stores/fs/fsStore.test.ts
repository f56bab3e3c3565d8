import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../../../shared/errors.js';
import { createFsStore } from '../../../../../shared/stores/fs/createFsStore.js';
import { describeStoreContract } from '../../../../helpers/storeContract.js';

describeStoreContract('filesystem', async () =>
  createFsStore(await mkdtemp(join(tmpdir(), 'capture-fs-store-'))),
);

describe('Store: filesystem specifics', () => {
  it('refuses a ledger version that is not a ledger with a permanent error naming its file', async () => {
    // Prepare: a hand-edited version file, as a person repairing a lake by hand might leave it
    const root = await mkdtemp(join(tmpdir(), 'capture-fs-store-'));
    const folder = join(root, '_ledger', 'orders', '0');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, '000000000001.json'), '{"stagedThrough": 4, "open": []}');

    // Act
    const reading = createFsStore(root).ledger.read('orders', '0');

    // Assess
    await expect(reading).rejects.toThrow(
      `ledger ${join(folder, '000000000001.json')} is unreadable: maxRecordTime: Invalid input`,
    );
    await expect(reading).rejects.toSatisfy((error) => error instanceof CaptureError && !error.retriable);
  });
});
