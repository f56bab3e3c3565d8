import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import {
  type CompactionDispatchSummary,
  planCompactionGroups,
} from '../../shared/compaction/groupMessage.js';
import type { CompactionGroupSender } from './compactionWorkerInvoker.js';
import { DISPATCH_REPORT, type Observability, withInvocationTelemetry } from './observability.js';
import type { ContextProvider } from './runtime.js';

export const AWS_COMPACT_DISPATCHER = 'aws-compact-dispatcher';

/**
 * Runs hourly on a schedule: sends one compaction worker invocation per partition group of the topic
 * (see `planCompactionGroups`), so a big topic compacts in parallel invocations. It reads only the
 * ledger's list of partitions; the groups' work and failures are the workers'. The event is ignored;
 * a failed dispatch is redone by the next one, since compaction looks back a day.
 */
export function createCompactDispatcherHandler(
  getContext: ContextProvider,
  sendToWorker: CompactionGroupSender,
  observability: Observability,
) {
  return middy(async (): Promise<CompactionDispatchSummary> => {
    const context = await getContext();
    return withInvocationTelemetry(
      observability,
      AWS_COMPACT_DISPATCHER,
      context.topic.name,
      async () => {
        const { messages, summary } = await planCompactionGroups(context);
        await Promise.all(messages.map(sendToWorker));
        return summary;
      },
      DISPATCH_REPORT,
    );
  })
    .use(injectLambdaContext(observability.logger, { resetKeys: true }))
    .use(logMetrics(observability.metrics));
}
