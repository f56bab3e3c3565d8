import type { RetryOptions } from '@azure/functions';

/**
 * Without a retry policy the Event Hubs and Kafka triggers move their checkpoint past a failed batch,
 * losing it. Retrying forever holds the partition instead: nothing is skipped, and the failure shows in
 * the logs and the lag until storage recovers. Poison records never throw (they are dead-lettered), so
 * only transient failures ever wait here.
 */
export const HOLD_PARTITION_RETRY: RetryOptions = {
  strategy: 'exponentialBackoff',
  maxRetryCount: -1,
  minimumInterval: { seconds: 5 },
  maximumInterval: { minutes: 5 },
};
