import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { sealIdlePartitions } from '../../shared/pipeline/sealTimer.js';
import type { CaptureSummary } from '../../shared/pipeline/summary.js';
import { CAPTURE_REPORT, type Observability, withInvocationTelemetry } from './observability.js';
import type { ContextProvider } from './runtime.js';

export const AWS_SEAL_TIMER = 'aws-seal-timer';

/**
 * Runs every minute on a schedule: seals the closed minutes of partitions that received nothing
 * since, and finishes any seal a crashed invocation left half done. The event is ignored.
 */
export function createSealTimerHandler(getContext: ContextProvider, observability: Observability) {
  return middy(async (): Promise<CaptureSummary> => {
    const context = await getContext();
    return withInvocationTelemetry(
      observability,
      AWS_SEAL_TIMER,
      context.topic.name,
      () => sealIdlePartitions(context),
      CAPTURE_REPORT,
    );
  })
    .use(injectLambdaContext(observability.logger, { resetKeys: true }))
    .use(logMetrics(observability.metrics));
}
