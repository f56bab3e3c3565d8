import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AWS_BATCHING_DEFAULTS } from '../../../shared/config/awsSchema.js';
import { LAMBDA_PAYLOAD_BYTES, type Platform } from '../../platforms/kafka/triggerFunctions.js';
import type { TriggerSettings } from './triggerBatches.js';

/** A company's capture as the issue states it: how many topics, their partitions and daily volume. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly topics: number;
  readonly partitionsPerTopic: number;
  /** Bytes of event bodies per topic per day (10^9 per GB). */
  readonly bytesPerTopicPerDay: number;
  /** Partitions the slice runs; a topic's others cost the same (AWS: one partition per poller at these rates). */
  readonly simulatedPartitions: number;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'one-topic-300gb',
    title: 'one topic, 300 GB a day, 8 partitions',
    topics: 1,
    partitionsPerTopic: 8,
    bytesPerTopicPerDay: 300e9,
    simulatedPartitions: 1,
  },
  {
    id: 'one-topic-1tb',
    title: 'one topic, 1 TB a day, 32 partitions',
    topics: 1,
    partitionsPerTopic: 32,
    bytesPerTopicPerDay: 1e12,
    simulatedPartitions: 1,
  },
  {
    id: 'many-small-topics',
    title: '100 topics, 1 GB a day each, 4 partitions each',
    topics: 100,
    partitionsPerTopic: 4,
    bytesPerTopicPerDay: 1e9,
    simulatedPartitions: 4,
  },
];

const HOST_JSON = fileURLToPath(new URL('../../../host.json', import.meta.url));

/** `hh:mm:ss` (host.json's TimeSpan) in seconds. */
function timeSpanSeconds(value: string): number {
  const [hours = 0, minutes = 0, seconds = 0] = value.split(':').map(Number);
  return hours * 3600 + minutes * 60 + seconds;
}

/** The Event Hubs trigger's settings in host.json, as the product ships it. */
export function shippedEventHubsSettings(): TriggerSettings & { readonly checkpointEveryBatches: number } {
  const { eventHubs } = JSON.parse(readFileSync(HOST_JSON, 'utf8')).extensions;
  return {
    maxRecords: eventHubs.maxEventBatchSize,
    minRecords: eventHubs.minEventBatchSize,
    maxWaitSeconds: timeSpanSeconds(eventHubs.maxWaitTime),
    maxPayloadBytes: Number.POSITIVE_INFINITY,
    checkpointEveryBatches: eventHubs.batchCheckpointFrequency,
  };
}

/** The event source mapping's settings an AWS topic gets when its config sets none (the schema's defaults). */
export function shippedLambdaSettings(): TriggerSettings {
  return {
    maxRecords: AWS_BATCHING_DEFAULTS.batchSize,
    minRecords: AWS_BATCHING_DEFAULTS.batchSize,
    maxWaitSeconds: AWS_BATCHING_DEFAULTS.maxBatchingWindowSeconds,
    maxPayloadBytes: LAMBDA_PAYLOAD_BYTES,
  };
}

/**
 * What a variant of the bill runs: trigger settings, whether the ledger cache is in the code, and
 * whether an AWS ledger is in its DynamoDB table or in the bucket.
 */
export interface BillVariant {
  readonly id: string;
  readonly label: string;
  readonly settings: TriggerSettings & { readonly checkpointEveryBatches?: number };
  readonly ledgerCache: boolean;
  readonly ledgerInTable: boolean;
}

/**
 * The levers one at a time, each row adding one: the settings and code before issue 18 (host.json's
 * 1000/200/30 s, the mapping's 10,000 records or 30 s, a ledger read per batch), the trigger settings
 * shipped now, the ledger cache, then on AWS the ledger table. Telemetry, checkpoint and dashboard
 * levers are priced on the last run.
 */
export function billVariants(platform: Platform): BillVariant[] {
  const before: BillVariant['settings'] =
    platform === 'azure'
      ? {
          maxRecords: 1000,
          minRecords: 200,
          maxWaitSeconds: 30,
          maxPayloadBytes: Number.POSITIVE_INFINITY,
          checkpointEveryBatches: 1,
        }
      : { maxRecords: 10_000, minRecords: 10_000, maxWaitSeconds: 30, maxPayloadBytes: LAMBDA_PAYLOAD_BYTES };
  const shipped = platform === 'azure' ? shippedEventHubsSettings() : shippedLambdaSettings();
  const variants: BillVariant[] = [
    {
      id: 'before',
      label: 'before: trigger settings and code of main',
      settings: before,
      ledgerCache: false,
      ledgerInTable: false,
    },
    {
      id: 'batching',
      label: '+ trigger batching as shipped now',
      settings: shipped,
      ledgerCache: false,
      ledgerInTable: false,
    },
    {
      id: 'ledger-cache',
      label: '+ ledger cache (no read per batch)',
      settings: shipped,
      ledgerCache: true,
      ledgerInTable: false,
    },
  ];
  if (platform === 'azure') return variants;
  return [
    ...variants,
    {
      id: 'ledger-table',
      label: '+ ledger in a DynamoDB table (a conditional write, gzipped, instead of an S3 PUT)',
      settings: shipped,
      ledgerCache: true,
      ledgerInTable: true,
    },
  ];
}
