import { readFileSync } from 'node:fs';

/** Linux counts a process's CPU in ticks of USER_HZ, which is 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * User and system CPU seconds a process has used so far, over all its threads (ended ones too), from
 * /proc; null where that cannot tell (not Linux, or the process is gone).
 */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds used by some processes over a window: from `begin` to `finish`. */
export interface WindowCpu {
  /** Marks the window's start. */
  begin(): void;
  /** Reads again: a process that ends by itself is counted up to its last reading. */
  sample(): void;
  /** Each process's seconds in the window, in the order given; null where a reading failed. */
  finish(): (number | null)[];
}

export function windowCpu(pids: readonly (number | undefined)[]): WindowCpu {
  let started: (number | null)[] | null = null;
  let latest: (number | null)[] = pids.map(() => null);
  const read = () => {
    latest = pids.map((pid, index) => processCpuSeconds(pid) ?? latest[index] ?? null);
  };
  return {
    begin() {
      read();
      started = latest;
    },
    sample() {
      if (started !== null) read();
    },
    finish() {
      read();
      return pids.map((_, index) => {
        const from = started?.[index];
        const to = latest[index];
        return from === null || from === undefined || to === null || to === undefined ? null : to - from;
      });
    },
  };
}
