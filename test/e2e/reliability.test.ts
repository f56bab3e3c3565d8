import { describe, expect, inject, it } from 'vitest';
import { FAULT_KINDS } from '../../local/faultProxy.js';
import { runReliability } from '../../local/reliabilityRun.js';

describe('Command: npm run reliability (short version)', () => {
  it.each([
    ['azurite', 'azure'],
    ['s3', 'aws'],
  ] as const)(
    'captures 5000 events into %s through 10% storage faults, each (partition, position) exactly once',
    async (store, platform) => {
      // Act
      const report = await runReliability({
        store,
        events: 5000,
        partitions: 4,
        faultRate: 0.1,
        seed: 7,
        // Small batches mean more invocations, so faults reach the functions and not only the SDK's retries.
        batchSize: 50,
        azuriteConnectionString: inject('azuriteConnectionString'),
        s3Endpoint: inject('s3Endpoint'),
      });

      // Assess
      expect(report).toMatchObject({
        platform,
        recordsIn: 5000,
        recordsOut: 5000,
        duplicates: 0,
        losses: 0,
        unexpected: 0,
        deadLettersByReason: {},
      });
      // The run proves something only if every kind of fault happened and some reached the functions.
      for (const kind of FAULT_KINDS) expect(report.faults[kind], kind).toBeGreaterThan(0);
      expect(report.invocationsRetried).toBeGreaterThan(0);
    },
  );
});
