import { type FunctionTrigger, type InvocationContext, trigger } from '@azure/functions';
import { eventHubsBatchToRecords } from '../../shared/adapters/eventHubsTrigger.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { ingestBatch } from '../../shared/pipeline/ingest.js';
import type { CaptureSummary } from '../../shared/pipeline/summary.js';
import { invocationLogRecord } from '../../shared/telemetry.js';
import { restartsLoggedTo, withInvocationLog } from './invocationLog.js';
import type { ContextProvider } from './runtime.js';

export const EVENTHUB_INGEST = 'eventhub-ingest';

/**
 * Batches (`cardinality: 'many'`) of raw bytes (`dataType: 'binary'`): with the default data type the
 * host would try to bind every body as JSON and fail the whole batch on the first one that is not.
 */
export function eventhubIngestTrigger(topic: TopicConfig): FunctionTrigger {
  return trigger.eventHub({
    connection: topic.eventHub.connection,
    eventHubName: topic.eventHub.name ?? topic.name,
    consumerGroup: topic.consumerGroup,
    cardinality: 'many',
    dataType: 'binary',
  } as Parameters<typeof trigger.eventHub>[0]);
}

export function createEventhubIngestHandler(getContext: ContextProvider) {
  return async (messages: unknown, invocation: InvocationContext): Promise<CaptureSummary> => {
    const context = await getContext();
    return withInvocationLog(
      invocation,
      EVENTHUB_INGEST,
      context.topic.name,
      () =>
        ingestBatch(
          context,
          eventHubsBatchToRecords(context.topic.name, messages, invocation.triggerMetadata),
          restartsLoggedTo(invocation, EVENTHUB_INGEST, context.topic.name),
        ),
      invocationLogRecord,
    );
  };
}
