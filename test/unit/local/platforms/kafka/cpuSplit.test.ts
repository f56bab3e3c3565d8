import { describe, expect, it } from 'vitest';
import {
  cpuSplitLine,
  parseCpuSplitLine,
  startCpuSplit,
} from '../../../../../local/platforms/kafka/cpuSplit.js';

describe('CPU split of a local Kafka run', () => {
  it.each([
    { totalSeconds: 6.9, runnerSeconds: 1.16, instanceSeconds: 2.88, instances: 2 },
    { totalSeconds: 3.25, runnerSeconds: 2.5, instanceSeconds: 0, instances: 0 },
  ])('reads back the note it writes ($instances instance threads)', (split) => {
    // Act
    const line = cpuSplitLine(split);

    // Assess
    expect(parseCpuSplitLine(line)).toEqual(split);
    expect(line).toContain(
      `other threads (V8's collector and compiler, libuv's compression and file writes) ${(split.totalSeconds - split.runnerSeconds - split.instanceSeconds).toFixed(2)} s`,
    );
  });

  it('finds no split in another line', () => {
    // Act & Assess
    expect(parseCpuSplitLine('peers: 200000 records · 34849 records/s')).toBeNull();
  });

  it("counts this thread's work and the instances' reports from its start on", () => {
    // Prepare: instance threads that had reported 5 s when counting began, 7.5 s at its end
    let reported = 5;
    const split = startCpuSplit(2, () => reported);

    // Act: work in this thread until its CPU clock has visibly moved
    const before = process.threadCpuUsage();
    while (process.threadCpuUsage(before).user < 20_000);
    reported = 7.5;
    const counted = split();

    // Assess
    expect(counted.instances).toBe(2);
    expect(counted.instanceSeconds).toBe(2.5);
    expect(counted.runnerSeconds).toBeGreaterThanOrEqual(0.02);
  });
});
