import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { compactClosedHours } from '../../shared/compaction/compact.js';
import {
  type GroupCompactionSummary,
  parseCompactionGroupMessage,
} from '../../shared/compaction/groupMessage.js';
import type { IcebergTargetProvider } from '../../shared/compaction/icebergTable.js';
import { COMPACTION_REPORT, type Observability, withInvocationTelemetry } from './observability.js';
import type { ContextProvider } from './runtime.js';

export const AWS_COMPACT = 'aws-compact';

/**
 * The compaction worker, invoked asynchronously by the hourly dispatcher once per partition group
 * (`{"topic","partitions"}`): compacts the group's closed hours into Parquet and picks up late objects
 * of hours compacted before. Groups write disjoint files, so they run in parallel; a failed or
 * repeated run is safe, since output names are deterministic and publishing is create-only. An event
 * that is not a group of this topic fails at once with what it should have been. An Iceberg topic's
 * commits go through `icebergTarget` (the Glue catalog).
 */
export function createCompactHandler(
  getContext: ContextProvider,
  observability: Observability,
  icebergTarget?: IcebergTargetProvider,
) {
  return middy(async (event: unknown): Promise<GroupCompactionSummary> => {
    const context = await getContext();
    return withInvocationTelemetry<GroupCompactionSummary>(
      observability,
      AWS_COMPACT,
      context.topic.name,
      async () => {
        const { partitions } = parseCompactionGroupMessage(event, context.topic);
        const iceberg = icebergTarget ? await icebergTarget(context) : undefined;
        return {
          ...(await compactClosedHours(context, { partitions, ...(iceberg ? { iceberg } : {}) })),
          partitions,
        };
      },
      COMPACTION_REPORT,
    );
  })
    .use(injectLambdaContext(observability.logger, { resetKeys: true }))
    .use(logMetrics(observability.metrics));
}
