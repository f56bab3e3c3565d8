import { Worker } from 'node:worker_threads';
import type { CaptureSummary } from '../../../shared/pipeline/summary.js';
import type { FetchedRecord } from './batches.js';
import type { InstanceReply, InstanceRequest, InstanceSetup } from './instanceThread.js';
import { packBatch } from './packedBatch.js';

/** One function instance: its ingestion function, called with one batch at a time. */
export interface FunctionInstance {
  ingest(records: readonly FetchedRecord[]): Promise<CaptureSummary>;
}

export interface FunctionInstances {
  readonly instances: readonly FunctionInstance[];
  /** Rejects when an instance's thread ends by itself: the run cannot go on without it. */
  readonly lost: Promise<never>;
  /** CPU seconds the instance threads have used since they were ready, as of their last replies. */
  cpuSeconds(): number;
  close(): Promise<void>;
}

const THREAD = new URL('./instanceThread.ts', import.meta.url);
const RUN_AGAIN =
  '; the run stopped: run it again, it goes on from the offsets committed for batches the functions accepted';

/**
 * Starts `count` function instances, each in a thread of its own, and resolves once every one is
 * ready to take a batch; a thread that fails to start fails the call, with its error.
 */
export async function startFunctionInstances(
  count: number,
  setup: InstanceSetup,
): Promise<FunctionInstances> {
  let reportLoss: (error: Error) => void = () => {};
  const lost = new Promise<never>((_, reject) => {
    reportLoss = reject;
  });
  // Nobody may be listening yet; the loss still reaches whoever awaits `lost` later.
  lost.catch(() => {});
  let closing = false;
  const workers: Worker[] = [];
  const started = Array.from({ length: count }, (_, index) => {
    const worker = new Worker(THREAD, { workerData: setup, execArgv: typeScriptExecArgv() });
    workers.push(worker);
    return startInstance(worker, index, (error) => {
      if (!closing) reportLoss(error);
    });
  });
  const close = async () => {
    closing = true;
    await Promise.all(workers.map((worker) => worker.terminate()));
  };
  try {
    const running = await Promise.all(started);
    return {
      instances: running.map(({ instance }) => instance),
      lost,
      cpuSeconds: () => running.reduce((sum, { cpuSeconds }) => sum + cpuSeconds(), 0),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A started instance, and the CPU seconds its thread has used since it was ready, as of its last reply. */
interface RunningInstance {
  readonly instance: FunctionInstance;
  cpuSeconds(): number;
}

function startInstance(
  worker: Worker,
  index: number,
  onLost: (error: Error) => void,
): Promise<RunningInstance> {
  const pending = new Map<number, { done(summary: CaptureSummary): void; failed(error: Error): void }>();
  let nextId = 0;
  /** Why the thread ended; a batch for it after that fails at once instead of waiting forever. */
  let ended: Error | null = null;
  const instance: FunctionInstance = {
    ingest(records) {
      if (ended) return Promise.reject(ended);
      const id = nextId++;
      const { packed, transferList } = packBatch(records);
      return new Promise((done, failed) => {
        pending.set(id, { done, failed });
        worker.postMessage({ id, batch: packed } satisfies InstanceRequest, transferList);
      });
    },
  };
  return new Promise((ready, failedToStart) => {
    let isReady = false;
    const end = (error: Error) => {
      ended ??= error;
      for (const call of pending.values()) call.failed(error);
      pending.clear();
      if (isReady) onLost(error);
      else failedToStart(error);
    };
    let cpuWhenReady = 0;
    let cpuLatest = 0;
    worker.on('message', (reply: InstanceReply) => {
      cpuLatest = reply.cpuSeconds;
      if (reply.kind === 'ready') {
        isReady = true;
        cpuWhenReady = reply.cpuSeconds;
        ready({ instance, cpuSeconds: () => cpuLatest - cpuWhenReady });
        return;
      }
      const call = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.kind === 'done') call?.done(reply.summary);
      else call?.failed(new Error(reply.message));
    });
    const name = `function instance ${index + 1}`;
    worker.on('error', (error) => end(new Error(`${name} failed: ${error.message}${RUN_AGAIN}`)));
    worker.on('exit', (code) => end(new Error(`${name} ended (exit code ${code})${RUN_AGAIN}`)));
  });
}

/**
 * The thread runs the TypeScript source, as the runner does: it inherits the runner's loader when
 * the runner was started through tsx, and is given it otherwise (a test calling the runner).
 */
function typeScriptExecArgv(): string[] | undefined {
  return process.execArgv.some((argument) => argument.includes('tsx')) ? undefined : ['--import', 'tsx'];
}
