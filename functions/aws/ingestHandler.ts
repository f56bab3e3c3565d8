import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { lambdaKafkaEventToRecords } from '../../shared/adapters/lambdaKafkaEvent.js';
import { ingestBatch } from '../../shared/pipeline/ingest.js';
import type { CaptureSummary } from '../../shared/pipeline/summary.js';
import {
  CAPTURE_REPORT,
  type Observability,
  restartsReportedTo,
  withInvocationTelemetry,
} from './observability.js';
import type { ContextProvider } from './runtime.js';

export const AWS_INGEST = 'aws-ingest';

/**
 * The Kafka event source mapping's handler (MSK or self-managed): the whole batch goes through the
 * shared pipeline. Poison records become dead letters there; a throw (storage unavailable, a ledger
 * race lost too often, an event of the wrong shape) makes the mapping retry the batch, and the
 * partition waits, so no offset is committed past a record that is not durable.
 */
export function createIngestHandler(getContext: ContextProvider, observability: Observability) {
  return middy(async (event: unknown): Promise<CaptureSummary> => {
    const context = await getContext();
    return withInvocationTelemetry(
      observability,
      AWS_INGEST,
      context.topic.name,
      () =>
        ingestBatch(
          context,
          lambdaKafkaEventToRecords(context.topic.name, event),
          restartsReportedTo(observability, AWS_INGEST, context.topic.name),
        ),
      CAPTURE_REPORT,
    );
  })
    .use(injectLambdaContext(observability.logger, { resetKeys: true }))
    .use(logMetrics(observability.metrics, { captureColdStartMetric: true }));
}
