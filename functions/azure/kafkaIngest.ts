import { type FunctionTrigger, type InvocationContext, trigger } from '@azure/functions';
import { azureKafkaBatchToRecords } from '../../shared/adapters/azureKafkaTrigger.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { ingestBatch } from '../../shared/pipeline/ingest.js';
import type { CaptureSummary } from '../../shared/pipeline/summary.js';
import { invocationLogRecord } from '../../shared/telemetry.js';
import { restartsLoggedTo, withInvocationLog } from './invocationLog.js';
import type { ContextProvider } from './runtime.js';

export const KAFKA_INGEST = 'kafka-ingest';

const PROTOCOLS = {
  plaintext: 'plaintext',
  ssl: 'ssl',
  saslPlaintext: 'saslPlaintext',
  saslSsl: 'saslSsl',
} as const;

/**
 * The Node library has no `app.kafka()`, so the trigger is declared generically. `dataType: 'binary'`
 * hands over each record's value as its bytes (with `'string'` the extension decodes them as UTF-8,
 * replacing what is not, which corrupts Avro, Protobuf and any registry framing); the coordinates,
 * key and headers come in `triggerMetadata`. Offsets of a failed batch stay uncommitted only through host.json
 * (`extensions.kafka.commitOnFailure: false`, `maxRetries: -1`); it is an extension setting, not a
 * trigger property.
 */
export function kafkaIngestTrigger(topic: TopicConfig): FunctionTrigger {
  const { kafka } = topic;
  return trigger.generic({
    type: 'kafkaTrigger',
    topic: topic.name,
    brokerList: `%${kafka.brokerList}%`,
    consumerGroup: topic.consumerGroup,
    protocol: PROTOCOLS[kafka.protocol],
    authenticationMode: kafka.authenticationMode,
    ...(kafka.authenticationMode === 'notSet'
      ? {}
      : { username: `%${kafka.username}%`, password: `%${kafka.password}%` }),
    cardinality: 'many',
    dataType: 'binary',
  });
}

export function createKafkaIngestHandler(getContext: ContextProvider) {
  return async (events: unknown, invocation: InvocationContext): Promise<CaptureSummary> => {
    const context = await getContext();
    return withInvocationLog(
      invocation,
      KAFKA_INGEST,
      context.topic.name,
      () =>
        ingestBatch(
          context,
          azureKafkaBatchToRecords(context.topic.name, events, invocation.triggerMetadata),
          restartsLoggedTo(invocation, KAFKA_INGEST, context.topic.name),
        ),
      invocationLogRecord,
    );
  };
}
