import { describe, expect, it } from 'vitest';
import { processCpuSeconds, windowCpu } from '../../../../local/bench/processCpu.js';

/** Keeps this thread busy until the process has used `seconds` more CPU. */
function burn(seconds: number): void {
  const start = process.cpuUsage();
  while (process.cpuUsage(start).user < seconds * 1e6);
}

// /proc is Linux's: elsewhere every reading is null, which the bench reports as not measured.
describe.runIf(process.platform === 'linux')('CPU time of processes, from /proc', () => {
  it('reads how much CPU a live process has used, and nothing for one that does not exist', () => {
    // Act & Assess
    expect(processCpuSeconds(process.pid)).toBeGreaterThan(0);
    expect(processCpuSeconds(2 ** 30)).toBeNull();
    expect(processCpuSeconds(undefined)).toBeNull();
  });

  it('counts what each process used between the start of a window and its end', () => {
    // Prepare
    const window = windowCpu([process.pid, 2 ** 30]);

    // Act
    window.begin();
    burn(0.2);
    const [used, missing] = window.finish();

    // Assess: clock ticks of 10 ms, so the busy time shows within a tick or two
    expect(used).toBeGreaterThanOrEqual(0.18);
    expect(missing).toBeNull();
  });
});
