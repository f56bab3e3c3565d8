/**
 * List prices and billing rules the cost comparison uses, each with where it was read and when.
 *
 * The providers' own pricing pages (aws.amazon.com/…/pricing, azure.microsoft.com/pricing/…) fill
 * their rate tables in the browser; the copies that could be read showed placeholders ("$-",
 * "{priceOf!…}") instead of numbers. So a price is taken from the provider where its text states it
 * (a worked example), else from a secondary page that quotes it, marked `official: false`; where no
 * page with a number was found, `usd` is null and the comparison leaves that price out. Never fill
 * one in from memory: a wrong price here becomes a wrong claim in BENCHMARKS.md.
 */

export interface ListPrice {
  readonly item: string;
  /** US dollars per `unit`; null when not found. */
  readonly usd: number | null;
  readonly unit: string;
  readonly region: string;
  readonly source: string;
  /** The date the source was read (YYYY-MM-DD). */
  readonly read: string;
  /** True when read on the provider's own page; false for a page quoting it. */
  readonly official: boolean;
  readonly note?: string;
}

/** A billing rule or capacity figure the cost model relies on, with its source. */
export interface BillingRule {
  readonly rule: string;
  readonly source: string;
  readonly read: string;
}

const READ = '2026-11-21';

export const PRICES = {
  lambdaArmDuration: {
    item: 'AWS Lambda duration, Arm (first tier: 7.5 billion GB-s a month)',
    usd: 0.0000133334,
    unit: 'GB-second',
    region: 'US East (N. Virginia)',
    source: 'https://cloudchipr.com/blog/aws-lambda-pricing',
    read: READ,
    official: false,
    note:
      'aws.amazon.com/lambda/pricing/ renders this table client-side; the same figure is in artillery’s ' +
      'price table citing that page (https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js)',
  },
  lambdaRequests: {
    item: 'AWS Lambda requests',
    usd: 0.2,
    unit: 'million requests',
    region: 'US East (N. Virginia)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    read: READ,
    official: true,
    note: 'stated in the page’s worked example: "$0.20 per 1 million requests"',
  },
  flexOnDemandExecutionTime: {
    item: 'Azure Functions Flex Consumption, on-demand execution time',
    usd: 0.000026,
    unit: 'GB-second',
    region: 'East US',
    source: 'https://modal.com/blog/azure-function-pricing-guide',
    read: READ,
    official: false,
    note: 'azure.microsoft.com/pricing/details/functions/ showed no readable figure',
  },
  flexOnDemandExecutions: {
    item: 'Azure Functions Flex Consumption, on-demand executions',
    usd: null,
    unit: 'million executions',
    region: 'East US',
    source: 'https://azure.microsoft.com/pricing/details/functions/',
    read: READ,
    official: true,
    note: 'not found',
  },
  eventHubsCapture: {
    item: 'Azure Event Hubs Capture, Standard tier',
    usd: 0.1,
    unit: 'throughput-unit hour',
    region: 'not stated',
    source: 'https://github.com/cloudfoundry/cloud-service-broker/blob/main/docs/azure-event-hubs.md',
    read: READ,
    official: false,
    note:
      'the plan table there: "standard … Capture $0.10/hour"; azure.microsoft.com/pricing/details/event-hubs/ ' +
      'shows "$-" in the copy read, and Azure China lists ¥0.636 per TU-hour, another cloud and currency, not used',
  },
  firehoseIngestion: {
    item: 'Amazon Data Firehose ingestion, Direct PUT or Kinesis source (first 500 TB a month)',
    usd: 0.029,
    unit: 'GB billed',
    region: 'not stated',
    source: 'https://github.com/i05nagai/memorandum/blob/master/cloud/aws/kinesis_firehose.md',
    read: READ,
    official: false,
    note: 'a tier table quoting the price page: $0.029 per GB for the first 500 TB a month; aws.amazon.com/firehose/pricing/ showed no figure',
  },
  firehoseFormatConversion: {
    item: 'Amazon Data Firehose format conversion (JSON to Parquet/ORC)',
    usd: null,
    unit: 'GB billed',
    region: 'US East (N. Virginia)',
    source: 'https://aws.amazon.com/firehose/pricing/',
    read: READ,
    official: true,
    note: 'not found',
  },
  firehoseDynamicPartitioning: {
    item: 'Amazon Data Firehose dynamic partitioning (per GB and per object delivered)',
    usd: null,
    unit: 'GB delivered',
    region: 'US East (N. Virginia)',
    source: 'https://aws.amazon.com/firehose/pricing/',
    read: READ,
    official: true,
    note: 'not found',
  },
  mskConnect: {
    item: 'Amazon MSK Connect (managed Kafka Connect worker)',
    usd: 0.11,
    unit: 'MCU-hour',
    region: 'not stated',
    source: 'https://github.com/Gilgamech/OfferingOverview/blob/main/notes/MSK.md',
    read: READ,
    official: false,
    note: '"MSK Connect Unit: $0.11 per hour, billed per second"; aws.amazon.com/msk/pricing/ showed no figure',
  },
} as const satisfies Record<string, ListPrice>;

export const BILLING_RULES = {
  lambdaCpu: {
    rule: 'Lambda: "At 1,769 MB, a function has the equivalent of one vCPU (one vCPU-second of credits per second)."',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html',
    read: READ,
  },
  flexBilling: {
    rule:
      'Flex Consumption on demand bills the memory of each instance while it is executing functions ' +
      '(GB-seconds), plus executions; instance memory is chosen per app.',
    source: 'https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs',
    read: READ,
  },
  eventHubsThroughputUnit: {
    rule: 'Event Hubs throughput unit: "Ingress: Up to 1 MB per second or 1,000 events per second (whichever comes first)."',
    source: 'https://learn.microsoft.com/azure/event-hubs/event-hubs-scalability',
    read: READ,
  },
  eventHubsCaptureMeter: {
    rule: 'Event Hubs Capture is an hourly charge proportional to the throughput units of the namespace.',
    source: 'https://learn.microsoft.com/azure/event-hubs/event-hubs-capture-overview',
    read: READ,
  },
  firehoseRounding: {
    rule:
      'Firehose ingestion (Direct PUT, Kinesis source) and format conversion are billed per GB in 5 KB ' +
      'increments per record: a 3 KB record is billed as 5 KB.',
    source: 'https://aws.amazon.com/de/kinesis/data-firehose/pricing/',
    read: READ,
  },
  firehoseMskSource: {
    rule: 'Firehose with an Amazon MSK source bills per GB without the 5 KB increments, on the larger of bytes ingested and delivered.',
    source: 'https://aws.amazon.com/ru/kinesis/data-firehose/pricing/',
    read: READ,
  },
  mskConnectUnit: {
    rule: 'MSK Connect: "Each MCU represents 1 vCPU of compute and 4 GiB of memory."',
    source: 'https://docs.aws.amazon.com/msk/latest/developerguide/msk-connect-capacity.html',
    read: READ,
  },
} as const satisfies Record<string, BillingRule>;
