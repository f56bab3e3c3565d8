import { describe, expect, it } from 'vitest';
import { runSoak } from '../../../local/reliability/soak.js';

describe('Command: npm run reliability -- --soak (short version)', () => {
  it('captures steady traffic through SIGKILLs, faults and a recreated topic: every record of both generations once, in both shapes', async () => {
    // Act: a minute of traffic, each runner killed every 20 s, the topic recreated after 30 s
    const report = await runSoak({
      minutes: 1,
      partitions: 2,
      rate: 50,
      killEverySeconds: 20,
      faultRate: 0.02,
      seed: 5,
    });

    // Assess
    expect(report.runs.map((run) => run.platform)).toEqual(['azure', 'aws']);
    for (const run of report.runs) {
      expect(run, run.platform).toMatchObject({ duplicates: 0, losses: 0, unexpected: 0 });
      expect(run.recordsOut, run.platform).toBe(report.produced);
      // Every partition noticed the recreated topic, and each runner was killed at least twice.
      expect(run.partitionsRestarted, run.platform).toBe(2);
      expect(run.kills, run.platform).toBeGreaterThanOrEqual(2);
      expect(run.faultsInjected, run.platform).toBeGreaterThan(0);
    }
  }, 600_000);
});
