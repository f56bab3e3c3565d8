import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkExactlyOnce, scenario } from '../../../helpers/exactlyOnceProperty.js';
import {
  freshAzuriteStore,
  freshFsStore,
  freshMigratingS3Store,
  freshS3Store,
} from '../../../helpers/freshStores.js';

/**
 * Each property makes a hundred runs of random size against a real store. Alone they take 10 to 30 s;
 * on a loaded two-core machine one took past the suite's 60 s. The bound is for a hang, not a speed
 * requirement, so it is wide enough that only a hang meets it.
 */
const PROPERTY_TIMEOUT_MS = 300_000;

describe.each([
  ['filesystem', freshFsStore, 150],
  ['Azurite', freshAzuriteStore, 100],
  ['S3 and DynamoDB (moto)', freshS3Store, 50],
  ['S3, its ledger moving from the bucket to DynamoDB mid-run (moto)', freshMigratingS3Store, 50],
] as const)('Property: exactly-once on the %s store', (_name, makeStore, numRuns) => {
  it(
    'seals every delivered offset exactly once under redeliveries, crashes, rebalances and concurrent seals',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, (run) => checkExactlyOnce(makeStore, run)),
        { numRuns },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

// Avro objects add a header their publisher stages, and segments staged by different invocations
// must still make one valid container file: fewer runs, as the format shares the rest of the path.
describe.each([
  ['filesystem', freshFsStore, 60],
  ['Azurite', freshAzuriteStore, 30],
] as const)('Property: exactly-once in avro-capture on the %s store', (_name, makeStore, numRuns) => {
  it(
    'seals every delivered offset exactly once into valid Capture files under the same faults',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, (run) => checkExactlyOnce(makeStore, run, 'avro-capture')),
        { numRuns },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
