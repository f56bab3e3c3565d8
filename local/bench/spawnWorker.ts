import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The bench runs under tsx and never compiled, so the child is given the TypeScript file itself.
const WORKER_SCRIPT = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** What a measurement may ask of the fresh process it runs in. */
export interface WorkerOptions {
  /** Run on this CPU only (Linux `taskset`), so the figure is one core's work. */
  readonly cpu?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeFlags?: readonly string[];
}

/**
 * Runs one measurement task of `worker.ts` in a fresh Node process and resolves with what it sends
 * back. A fresh process per measurement keeps peaks, JIT state and heaps from one case out of the
 * next. The child inherits this process's loader flags (tsx), so it runs the same TypeScript.
 */
export function runWorker<T>(task: string, input: unknown, options: WorkerOptions = {}): Promise<T> {
  const nodeArgs = [
    ...process.execArgv,
    ...(options.nodeFlags ?? []),
    WORKER_SCRIPT,
    task,
    JSON.stringify(input),
  ];
  const [command, args] =
    options.cpu === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['--cpu-list', String(options.cpu), process.execPath, ...nodeArgs]];
  return new Promise<T>((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    let result: { value: T } | undefined;
    child.on('message', (message) => {
      result = { value: message as T };
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result && code === 0) resolve(result.value);
      else reject(new Error(`bench worker "${task}" ended with ${signal ?? `exit code ${code}`}`));
    });
  });
}

/**
 * The CPU a one-core measurement is pinned to: the last one this process may run on, leaving the
 * first to the system. Undefined where `taskset` is missing (not Linux, util-linux absent): the
 * measurement then runs unpinned, and the report says so.
 */
export function pinnableCpu(): number | undefined {
  const probe = spawnSync('taskset', ['--cpu-list', '--pid', String(process.pid)], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  // "pid 123's current affinity list: 0-3,6": the last number is the highest CPU allowed.
  const allowed = probe.stdout.split(':').at(-1)?.match(/\d+/g);
  const last = allowed?.at(-1);
  return last === undefined ? undefined : Number(last);
}
