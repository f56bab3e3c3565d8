import { readFileSync } from 'node:fs';
import type { Duration, RetryOptions } from '@azure/functions';
import { AWS_INGEST, createIngestHandler } from '../../../functions/aws/ingestHandler.js';
import {
  AWS_SEAL_TIMER,
  createSealTimerHandler as createAwsSealTimerHandler,
} from '../../../functions/aws/sealTimerHandler.js';
import { createKafkaIngestHandler, KAFKA_INGEST } from '../../../functions/azure/kafkaIngest.js';
import { HOLD_PARTITION_RETRY } from '../../../functions/azure/retryPolicy.js';
import { createSealTimerHandler, SEAL_TIMER } from '../../../functions/azure/sealTimer.js';
import { AWS_BATCHING_DEFAULTS } from '../../../shared/config/awsSchema.js';
import type { CaptureContext } from '../../../shared/pipeline/context.js';
import type { CaptureSummary } from '../../../shared/pipeline/summary.js';
import { lambdaInvocationLogger } from '../aws/invocationLog.js';
import { localLambdaContext } from '../aws/lambdaContext.js';
import { quietObservability } from '../aws/quietObservability.js';
import { localInvocation } from '../azure/invocationContext.js';
import type { BatchLimits, FetchedRecord } from './batches.js';
import type { RetryBackoff } from './delivery.js';
import { azureKafkaEvents, lambdaKafkaEvent, lambdaPayloadBytes } from './events.js';

export const PLATFORMS = ['azure', 'aws'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Lambda's own limit on an invocation's event, less a margin for the envelope around the records. */
export const LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024 - 64 * 1024;
/**
 * Lambda retries a failed Kafka batch until it succeeds but publishes no intervals; these keep a
 * local retry visible without hammering a store that is down.
 */
const LAMBDA_RETRY: RetryBackoff = { firstDelayMs: 1_000, maxDelayMs: 60_000 };
/** The Kafka extension's defaults for what host.json leaves out (MaxBatchSize, SubscriberIntervalInSeconds). */
const AZURE_DEFAULT_BATCH_SIZE = 64;
const AZURE_DEFAULT_INTERVAL_SECONDS = 1;

/** The functions one platform runs for a Kafka topic, and how its trigger batches and retries. */
export interface KafkaPlatformFunctions {
  readonly limits: BatchLimits;
  readonly backoff: RetryBackoff;
  /** The ingestion function, called with one batch in the platform's event shape. */
  ingest(records: readonly FetchedRecord[]): Promise<CaptureSummary>;
  /** The seal timer function. */
  seal(): Promise<CaptureSummary>;
}

export interface KafkaPlatformOptions {
  readonly brokers: readonly string[];
  /** One line per invocation goes here. */
  readonly logFile: string;
  /** Overrides of the trigger's batch settings (`--batch-size`, `--max-wait-ms`). */
  readonly maxRecords?: number;
  readonly maxWaitMs?: number;
}

/**
 * The same exported handlers the cloud runs, with the trigger settings the deployment gives them:
 * on Azure the Kafka extension's settings in host.json and the function's retry policy; on AWS the
 * topic's event source mapping settings (config `aws` block) or the stack's defaults.
 */
export function kafkaPlatformFunctions(
  platform: Platform,
  context: CaptureContext,
  options: KafkaPlatformOptions,
): KafkaPlatformFunctions {
  const getContext = async () => context;
  const { topic } = context;
  if (platform === 'azure') {
    const ingest = createKafkaIngestHandler(getContext);
    const seal = createSealTimerHandler(getContext);
    const host = hostKafkaSettings();
    return {
      limits: {
        maxRecords: options.maxRecords ?? host.maxBatchSize,
        maxPayloadBytes: Number.POSITIVE_INFINITY,
        maxWaitMs: options.maxWaitMs ?? host.subscriberIntervalInSeconds * 1000,
        payloadBytesOf: () => 0,
      },
      backoff: backoffOf(HOLD_PARTITION_RETRY),
      ingest: (records) => {
        const { values, triggerMetadata } = azureKafkaEvents(topic.name, records);
        return ingest(values, localInvocation(KAFKA_INGEST, triggerMetadata, options.logFile));
      },
      seal: () => seal(null, localInvocation(SEAL_TIMER, {}, options.logFile)),
    };
  }
  const observability = quietObservability(topic.name, options.logFile);
  const ingest = createIngestHandler(getContext, observability);
  const seal = createAwsSealTimerHandler(getContext, observability);
  const logged = lambdaInvocationLogger(options.logFile, topic.name);
  // A topic without an `aws` block (the embedded local one) gets what the stack deploys by default.
  const batching = topic.aws ?? AWS_BATCHING_DEFAULTS;
  return {
    limits: {
      maxRecords: options.maxRecords ?? batching.batchSize,
      maxPayloadBytes: LAMBDA_PAYLOAD_BYTES,
      maxWaitMs: options.maxWaitMs ?? batching.maxBatchingWindowSeconds * 1000,
      payloadBytesOf: lambdaPayloadBytes,
    },
    backoff: LAMBDA_RETRY,
    ingest: (records) =>
      logged(AWS_INGEST, () =>
        ingest(lambdaKafkaEvent(topic.name, options.brokers, records), localLambdaContext(AWS_INGEST)),
      ),
    seal: () => logged(AWS_SEAL_TIMER, () => seal({}, localLambdaContext(AWS_SEAL_TIMER))),
  };
}

/** The Kafka extension's batching as the project's host.json sets it. */
function hostKafkaSettings(): { maxBatchSize: number; subscriberIntervalInSeconds: number } {
  const host = JSON.parse(readFileSync(new URL('../../../host.json', import.meta.url), 'utf8')) as {
    extensions?: { kafka?: { maxBatchSize?: number; subscriberIntervalInSeconds?: number } };
  };
  const kafka = host.extensions?.kafka ?? {};
  return {
    maxBatchSize: kafka.maxBatchSize ?? AZURE_DEFAULT_BATCH_SIZE,
    subscriberIntervalInSeconds: kafka.subscriberIntervalInSeconds ?? AZURE_DEFAULT_INTERVAL_SECONDS,
  };
}

/** The waits of a Functions retry policy, the one the Kafka function is registered with. */
function backoffOf(policy: RetryOptions): RetryBackoff {
  if (policy.strategy === 'fixedDelay') {
    const delayMs = durationMs(policy.delayInterval);
    return { firstDelayMs: delayMs, maxDelayMs: delayMs };
  }
  return { firstDelayMs: durationMs(policy.minimumInterval), maxDelayMs: durationMs(policy.maximumInterval) };
}

function durationMs(duration: Duration | number): number {
  if (typeof duration === 'number') return duration;
  return (
    (duration.hours ?? 0) * 3_600_000 +
    (duration.minutes ?? 0) * 60_000 +
    (duration.seconds ?? 0) * 1000 +
    (duration.milliseconds ?? 0)
  );
}
