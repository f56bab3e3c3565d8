import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { createFsStore } from '../../shared/stores/fs/createFsStore.js';
import { checkExactlyOnce, scenario } from '../helpers/exactlyOnceProperty.js';

describe('Property: exactly-once on the filesystem store', () => {
  const folders: string[] = [];
  afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

  it('seals every delivered offset exactly once under redeliveries, crashes and concurrent seals', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (run) => {
        await checkExactlyOnce(async () => {
          const folder = await mkdtemp(join(tmpdir(), 'capture-prop-'));
          folders.push(folder);
          return createFsStore(folder);
        }, run);
      }),
      { numRuns: 150 },
    );
  });
});
