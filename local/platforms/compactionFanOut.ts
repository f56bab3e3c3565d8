import {
  AWS_COMPACT_DISPATCHER,
  createCompactDispatcherHandler,
} from '../../functions/aws/compactDispatcherHandler.js';
import { AWS_COMPACT, createCompactHandler } from '../../functions/aws/compactHandler.js';
import type { Observability } from '../../functions/aws/observability.js';
import { COMPACT_GROUP, createCompactGroupHandler } from '../../functions/azure/compactGroup.js';
import {
  COMPACT_TIMER,
  compactionQueueOutput,
  createCompactTimerHandler,
} from '../../functions/azure/compactTimer.js';
import {
  addCompactionSummary,
  type CompactionSummary,
  emptyCompactionSummary,
} from '../../shared/compaction/compactionSummary.js';
import type { IcebergTargetProvider } from '../../shared/compaction/icebergTable.js';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import { compactionDispatchLogRecord, compactionLogRecord } from '../../shared/telemetry.js';
import type { lambdaInvocationLogger } from './aws/invocationLog.js';
import { localLambdaContext } from './aws/lambdaContext.js';
import { localInvocation } from './azure/invocationContext.js';

/**
 * The hourly compaction of an Azure Function App in one process: the compaction timer runs, and each
 * message it leaves for its queue output goes, as the JSON the queue carries, to `compact-group`.
 * Log lines go to `logFile` (or the terminal). An Iceberg topic commits through `icebergTarget`.
 */
export function azureCompactionFanOut(
  getContext: () => Promise<CaptureContext>,
  logFile: string | null,
  icebergTarget?: IcebergTargetProvider,
): () => Promise<CompactionSummary> {
  return async () => {
    const { topic } = await getContext();
    const queue = compactionQueueOutput(topic);
    const timer = localInvocation(COMPACT_TIMER, {}, logFile);
    await createCompactTimerHandler(getContext, queue)(null, timer);
    const messages = (timer.extraOutputs.get(queue) ?? []) as unknown[];
    const compactGroup = createCompactGroupHandler(getContext, icebergTarget);
    return compactEachGroup(messages, (message) =>
      compactGroup(JSON.stringify(message), localInvocation(COMPACT_GROUP, {}, logFile)),
    );
  };
}

/**
 * The hourly compaction of a Lambda stack in one process: the dispatcher runs with a sender that
 * keeps each asynchronous invocation's event, then the worker handles each event, parsed from the
 * JSON Lambda carries. With `logged` (the local runner's quiet Powertools) each invocation's line goes
 * to its log file; without, Powertools prints it.
 */
export function awsCompactionFanOut(
  getContext: () => Promise<CaptureContext>,
  observability: Observability,
  logged?: ReturnType<typeof lambdaInvocationLogger>,
  icebergTarget?: IcebergTargetProvider,
): () => Promise<CompactionSummary> {
  const worker = createCompactHandler(getContext, observability, icebergTarget);
  return async () => {
    const events: string[] = [];
    const dispatcher = createCompactDispatcherHandler(
      getContext,
      async (message) => {
        events.push(JSON.stringify(message));
      },
      observability,
    );
    const dispatch = () => dispatcher({}, localLambdaContext(AWS_COMPACT_DISPATCHER));
    await (logged ? logged(AWS_COMPACT_DISPATCHER, dispatch, compactionDispatchLogRecord) : dispatch());
    return compactEachGroup(events, (event) => {
      const compact = () => worker(JSON.parse(event), localLambdaContext(AWS_COMPACT));
      return logged ? logged(AWS_COMPACT, compact, compactionLogRecord) : compact();
    });
  };
}

/**
 * The groups one after another; every group runs even when one fails, as separate invocations
 * would, then the first failure is thrown, so the caller's schedule redoes the run. Waiting hours are
 * per group, so the run reports the most any group has.
 */
async function compactEachGroup<M>(
  messages: readonly M[],
  compactGroup: (message: M) => Promise<CompactionSummary>,
): Promise<CompactionSummary> {
  const total = emptyCompactionSummary();
  const failures: unknown[] = [];
  for (const message of messages) {
    try {
      const part = await compactGroup(message);
      const hoursWaiting = Math.max(total.hoursWaiting, part.hoursWaiting);
      addCompactionSummary(total, part);
      total.hoursWaiting = hoursWaiting;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return total;
}
