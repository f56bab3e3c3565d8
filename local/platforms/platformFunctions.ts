import { AWS_INGEST, createIngestHandler } from '../../functions/aws/ingestHandler.js';
import {
  AWS_SEAL_TIMER,
  createSealTimerHandler as createAwsSealTimerHandler,
} from '../../functions/aws/sealTimerHandler.js';
import { createEventhubIngestHandler } from '../../functions/azure/eventhubIngest.js';
import { createSealTimerHandler } from '../../functions/azure/sealTimer.js';
import type { IcebergTargetProvider } from '../../shared/compaction/icebergTable.js';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import { emptySummary } from '../../shared/pipeline/summary.js';
import { lambdaInvocationLogger } from './aws/invocationLog.js';
import { localLambdaContext } from './aws/lambdaContext.js';
import { lambdaKafkaDelivery } from './aws/mskDelivery.js';
import { quietObservability } from './aws/quietObservability.js';
import { eventHubsDelivery, type PartitionEvent } from './azure/eventHubsDelivery.js';
import { localInvocation } from './azure/invocationContext.js';
import { awsCompactionFanOut, azureCompactionFanOut } from './compactionFanOut.js';
import type { Platform } from './kafka/triggerFunctions.js';

/**
 * How each platform delivers a wave of events: the Event Hubs trigger invokes once per partition; a
 * Kafka event source mapping invokes with records of several partitions, as the JSON payload the
 * function's runtime parses. `prepare` does the platform's side (building the trigger's input),
 * which the function does not pay for; the invocation it returns does the function's side, so the
 * bench can time each apart. Compaction fans out as in the cloud, one group after another (see
 * compactionFanOut), into an Iceberg topic's table through `icebergTarget`. Log lines go to `logFile`.
 */
export function platformFunctions(
  platform: Platform,
  context: CaptureContext,
  logFile: string,
  icebergTarget?: IcebergTargetProvider,
) {
  const getContext = async () => context;
  if (platform === 'azure') {
    const ingest = createEventhubIngestHandler(getContext);
    const seal = createSealTimerHandler(getContext);
    const { topic } = context;
    const prepare = (byPartition: PartitionEvent[][]) => {
      const deliveries = byPartition.map((events, partition) =>
        events.length === 0
          ? null
          : eventHubsDelivery(
              {
                eventHubName: topic.name,
                consumerGroup: topic.consumerGroup,
                partitionId: String(partition),
              },
              events,
            ),
      );
      return () =>
        Promise.all(
          deliveries.map((delivery) =>
            delivery === null
              ? emptySummary()
              : ingest(
                  delivery.messages,
                  localInvocation('eventhub-ingest', delivery.triggerMetadata, logFile),
                ),
          ),
        );
    };
    return {
      prepare,
      deliver: (byPartition: PartitionEvent[][]) => prepare(byPartition)(),
      seal: () => seal(null, localInvocation('seal-timer', {}, logFile)),
      compact: azureCompactionFanOut(getContext, logFile, icebergTarget),
    };
  }
  const observability = quietObservability(context.topic.name, logFile);
  const ingest = createIngestHandler(getContext, observability);
  const seal = createAwsSealTimerHandler(getContext, observability);
  const logged = lambdaInvocationLogger(logFile, context.topic.name);
  const prepare = (byPartition: PartitionEvent[][]) => {
    const payload = JSON.stringify(lambdaKafkaDelivery(context.topic.name, byPartition));
    return async () => [
      await logged(AWS_INGEST, () => ingest(JSON.parse(payload), localLambdaContext(AWS_INGEST))),
    ];
  };
  return {
    prepare,
    deliver: (byPartition: PartitionEvent[][]) => prepare(byPartition)(),
    seal: () => logged(AWS_SEAL_TIMER, () => seal({}, localLambdaContext(AWS_SEAL_TIMER))),
    compact: awsCompactionFanOut(getContext, observability, logged, icebergTarget),
  };
}
