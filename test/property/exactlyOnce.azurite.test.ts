import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, inject, it } from 'vitest';
import { createAzureStore } from '../../shared/stores/azure/createAzureStore.js';
import { checkExactlyOnce, scenario } from '../helpers/exactlyOnceProperty.js';

describe('Property: exactly-once on the Azure store (Azurite)', () => {
  it('seals every delivered offset exactly once under redeliveries, crashes and concurrent seals', async () => {
    const connectionString = inject('azuriteConnectionString');
    await fc.assert(
      fc.asyncProperty(scenario, async (run) => {
        // A fresh container and table per run: runs share one Azurite but never each other's lake.
        const id = randomUUID().replaceAll('-', '').slice(0, 12);
        const storage = { container: `prop-${id}`, ledgerTable: `ledger${id}`, connection: 'LakeStorage' };
        await checkExactlyOnce(() => createAzureStore(storage, { LakeStorage: connectionString }), run);
      }),
      { numRuns: 100 },
    );
  });
});
