import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkExactlyOnce, scenario } from '../helpers/exactlyOnceProperty.js';
import { freshAzuriteStore, freshFsStore, freshS3Store } from '../helpers/freshStores.js';

describe.each([
  ['filesystem', freshFsStore, 150],
  ['Azurite', freshAzuriteStore, 100],
  ['S3 (moto)', freshS3Store, 50],
] as const)('Property: exactly-once on the %s store', (_name, makeStore, numRuns) => {
  it('seals every delivered offset exactly once under redeliveries, crashes, rebalances and concurrent seals', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (run) => checkExactlyOnce(makeStore, run)),
      { numRuns },
    );
  });
});
