import { type FunctionTrigger, type InvocationContext, trigger } from '@azure/functions';
import {
  type GroupCompactionSummary,
  parseCompactionGroupMessage,
} from '../../shared/compaction/groupMessage.js';
import type { IcebergTargetProvider } from '../../shared/compaction/icebergTable.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { compactionLogRecord } from '../../shared/telemetry.js';
import { COMPACTION_QUEUE } from './compactTimer.js';
import { withInvocationLog } from './invocationLog.js';
import type { ContextProvider } from './runtime.js';

export const COMPACT_GROUP = 'compact-group';

/**
 * The queue the compaction timer fills, on the same connection as its output. A failed group is
 * retried by the host (five attempts, then the poison queue); a rerun is safe, since output names are
 * deterministic and publishing is create-only, and the next hourly timer sends the group again anyway.
 */
export function compactGroupTrigger(topic: TopicConfig): FunctionTrigger {
  return trigger.storageQueue({ queueName: COMPACTION_QUEUE, connection: topic.storage.connection });
}

/**
 * Compacts the closed hours of one partition group; the Parquet writer is loaded with the first group.
 * An Iceberg topic's commits go through `icebergTarget` (see `azureIcebergTarget`).
 */
export function createCompactGroupHandler(
  getContext: ContextProvider,
  icebergTarget?: IcebergTargetProvider,
) {
  return async (message: unknown, invocation: InvocationContext): Promise<GroupCompactionSummary> => {
    const context = await getContext();
    return withInvocationLog<GroupCompactionSummary>(
      invocation,
      COMPACT_GROUP,
      context.topic.name,
      async () => {
        const { partitions } = parseCompactionGroupMessage(message, context.topic);
        const { compactClosedHours } = await import('../../shared/compaction/compact.js');
        const iceberg = icebergTarget ? await icebergTarget(context) : undefined;
        return {
          ...(await compactClosedHours(context, { partitions, ...(iceberg ? { iceberg } : {}) })),
          partitions,
        };
      },
      compactionLogRecord,
    );
  };
}
