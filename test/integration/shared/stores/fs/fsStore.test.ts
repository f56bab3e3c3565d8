import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsStore } from '../../../../../shared/stores/fs/createFsStore.js';
import { describeStoreContract } from '../../../../helpers/storeContract.js';

describeStoreContract('filesystem', async () =>
  createFsStore(await mkdtemp(join(tmpdir(), 'capture-fs-store-'))),
);
