import { describe, expect, inject, it } from 'vitest';
import { runCrashMatrix } from '../../../local/crashMatrix/matrix.js';
import { LAKE_KINDS } from '../../../local/emulators/openLake.js';
import { CRASH_PHASES } from '../../../local/faults/simulatedProcess.js';

describe('Command: npm run reliability (crash matrix)', () => {
  it.each(LAKE_KINDS)(
    'leaves on %s exactly what a run without crashes leaves, whichever store or ledger call the process dies before',
    async (store) => {
      // Act
      const report = await runCrashMatrix({
        store,
        emulators: {
          azuriteConnectionString: inject('azuriteConnectionString'),
          s3Endpoint: inject('s3Endpoint'),
          dynamodbEndpoint: inject('dynamodbEndpoint'),
        },
      });

      // Assess
      expect(report.mismatches).toEqual([]);
      expect(report.crashesInjected).toEqual(report.callsPerPhase);
      for (const phase of CRASH_PHASES) expect(report.callsPerPhase[phase], phase).toBeGreaterThan(5);
      const runs = CRASH_PHASES.reduce((sum, phase) => sum + report.callsPerPhase[phase], 0);
      expect(report.identical).toBe(runs);
      // The scenario proves something only if the reference holds every kind of object it claims to.
      for (const kind of [
        /^raw\/.*\.late\.jsonl\.gz$/,
        /^deadletter\//,
        /\/_unit-p1-0\.json$/,
        /\/_unit-p0-1\.json$/,
        // created, p0's unit, p1's, the late field added, p0's late unit
        /\/_delta_log\/00000000000000000004\.json$/,
        /\.parquet$/,
      ])
        expect(
          report.referenceObjects.some((path) => kind.test(path)),
          String(kind),
        ).toBe(true);
    },
    // About 120 runs of the scenario, each on a lake of its own; the S3 emulator answers one request at a time.
    300_000,
  );
});
