import {
  type FunctionTrigger,
  type InvocationContext,
  output,
  type StorageQueueOutput,
  trigger,
} from '@azure/functions';
import {
  type CompactionDispatchSummary,
  planCompactionGroups,
} from '../../shared/compaction/groupMessage.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { compactionDispatchLogRecord } from '../../shared/telemetry.js';
import { withInvocationLog } from './invocationLog.js';
import type { ContextProvider } from './runtime.js';

export const COMPACT_TIMER = 'compact-timer';

/**
 * The queue of partition groups to compact, in the lake's storage account. One name for every topic:
 * each topic's deployment has a lake account of its own (a message for another topic is refused).
 * After five failed attempts the Functions host moves a message to `capture-compaction-poison`.
 */
export const COMPACTION_QUEUE = 'capture-compaction';

/**
 * Every hour at minute 10: an hour is closed once its last minute is sealed, about two minutes after
 * it ends with the default seal delay, so ten minutes leave room for a trigger that runs behind. An
 * hour still open is left for the next run, and a run that fails is simply redone by the next one.
 */
export function compactTimerTrigger(): FunctionTrigger {
  return trigger.timer({ schedule: '0 10 * * * *' });
}

/**
 * Where the timer puts the groups: the topic's storage connection (`storage.connection`), which on
 * Azure is identity-based, `<connection>__queueServiceUri` beside the blob and table URIs.
 */
export function compactionQueueOutput(topic: TopicConfig): StorageQueueOutput {
  return output.storageQueue({ queueName: COMPACTION_QUEUE, connection: topic.storage.connection });
}

/**
 * Enqueues one message per partition group of the topic (see `planCompactionGroups`) through the
 * queue output binding; `compact-group` compacts each on whichever instance takes it, so a big topic
 * compacts in parallel. The timer only lists the ledger's partitions: the Parquet writer is loaded by
 * the groups' function, not here nor at the app's cold start, which ingestion pays.
 */
export function createCompactTimerHandler(getContext: ContextProvider, queue: StorageQueueOutput) {
  return async (_timer: unknown, invocation: InvocationContext): Promise<CompactionDispatchSummary> => {
    const context = await getContext();
    return withInvocationLog(
      invocation,
      COMPACT_TIMER,
      context.topic.name,
      async () => {
        const { messages, summary } = await planCompactionGroups(context);
        invocation.extraOutputs.set(queue, messages);
        return summary;
      },
      compactionDispatchLogRecord,
    );
  };
}
