/**
 * Where a local Kafka run's CPU goes: the runner's own thread (the emulated trigger: Kafka reads,
 * batching, handing batches over; and the seal timer), the function instances' threads, and the
 * process's other threads (V8's collector and compiler, libuv's pool, where compression and file
 * writes run). On two cores a run is CPU-bound, so this says which part a faster run has to take from.
 * An instance thread's CPU is counted as of its last reply; what it spends after that falls to the
 * other threads.
 */
export interface CpuSplit {
  /** Every thread of the process. */
  readonly totalSeconds: number;
  /** The runner's thread: the trigger's work and the seal timer; the function's too when it runs there (one instance). */
  readonly runnerSeconds: number;
  /** The instance threads together; 0 when the function runs in the runner's thread. */
  readonly instanceSeconds: number;
  /** Instance threads (0: the function runs in the runner's thread). */
  readonly instances: number;
}

const secondsOf = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1e6;

/** This thread's CPU seconds so far, user and system. */
export function threadCpuSeconds(): number {
  return secondsOf(process.threadCpuUsage());
}

/**
 * Starts counting now; the returned function gives the split from here on. `instanceSeconds` is
 * what the instance threads have reported using so far, in all.
 */
export function startCpuSplit(instances: number, instanceSeconds: () => number): () => CpuSplit {
  const processAtStart = process.cpuUsage();
  const threadAtStart = process.threadCpuUsage();
  const instancesAtStart = instanceSeconds();
  return () => ({
    totalSeconds: secondsOf(process.cpuUsage(processAtStart)),
    runnerSeconds: secondsOf(process.threadCpuUsage(threadAtStart)),
    instanceSeconds: instanceSeconds() - instancesAtStart,
    instances,
  });
}

const PREFIX = 'CPU from the first batch to the end:';
const OTHER_THREADS = "other threads (V8's collector and compiler, libuv's compression and file writes)";
const LINE = new RegExp(
  `^${PREFIX} ([\\d.]+) s in all; the runner's thread \\([^)]*\\) ([\\d.]+) s, (?:(\\d+) function instance threads ([\\d.]+) s, )?other threads`,
);

/** The run's last note: the split, each part in seconds. */
export function cpuSplitLine(split: CpuSplit): string {
  const seconds = (value: number) => `${value.toFixed(2)} s`;
  const other = split.totalSeconds - split.runnerSeconds - split.instanceSeconds;
  const runner =
    split.instances === 0
      ? `the runner's thread (Kafka reads, batching, the function, the seal timer) ${seconds(split.runnerSeconds)}`
      : `the runner's thread (Kafka reads, batching, the seal timer) ${seconds(split.runnerSeconds)}, ${split.instances} function instance threads ${seconds(split.instanceSeconds)}`;
  return `${PREFIX} ${seconds(split.totalSeconds)} in all; ${runner}, ${OTHER_THREADS} ${seconds(other)}`;
}

/** The split a run printed with {@link cpuSplitLine}, or null when `line` is not that note. */
export function parseCpuSplitLine(line: string): CpuSplit | null {
  const match = LINE.exec(line);
  if (match === null) return null;
  const [, total, runner, instances, instanceSeconds] = match;
  return {
    totalSeconds: Number(total),
    runnerSeconds: Number(runner),
    instanceSeconds: instanceSeconds === undefined ? 0 : Number(instanceSeconds),
    instances: instances === undefined ? 0 : Number(instances),
  };
}
