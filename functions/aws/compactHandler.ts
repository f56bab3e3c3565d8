import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type CompactionSummary, compactClosedHours } from '../../shared/compaction/compact.js';
import { COMPACTION_REPORT, type Observability, withInvocationTelemetry } from './observability.js';
import type { ContextProvider } from './runtime.js';

export const AWS_COMPACT = 'aws-compact';

/**
 * Runs hourly on a schedule: compacts every closed hour of the topic into Parquet, and picks up late
 * objects of hours compacted before. The event is ignored; a failed run is redone by the next one,
 * since output names are deterministic and publishing is create-only.
 */
export function createCompactHandler(getContext: ContextProvider, observability: Observability) {
  return middy(async (): Promise<CompactionSummary> => {
    const context = await getContext();
    return withInvocationTelemetry(
      observability,
      AWS_COMPACT,
      context.topic.name,
      () => compactClosedHours(context),
      COMPACTION_REPORT,
    );
  })
    .use(injectLambdaContext(observability.logger, { resetKeys: true }))
    .use(logMetrics(observability.metrics));
}
