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
/** The ledger table's prices and rules, read when the AWS ledger moved to DynamoDB. */
const READ_DYNAMODB = '2026-12-06';

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
    usd: 0.4,
    unit: 'million executions',
    region: 'East US',
    source: 'https://modal.com/blog/azure-function-pricing-guide',
    read: READ,
    official: false,
    note: '"Total Executions: $0.40 per million executions"; azure.microsoft.com/pricing/details/functions/ shows "$-" in the copy read',
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
  firehoseMskSource: {
    item: 'Amazon Data Firehose ingestion, Amazon MSK as source (first tier)',
    usd: 0.055,
    unit: 'GB ingested or delivered, the larger',
    region: 'not stated',
    source: 'https://aws.amazon.com/firehose/pricing/',
    read: READ,
    official: false,
    note: 'quoted from that page by a public design note ("tier đầu khoảng 0.055 USD/GB", first tier about $0.055 per GB); the page itself renders its table client-side',
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
  s3PutCopyPostList: {
    item: 'Amazon S3 Standard requests: PUT, COPY, POST, LIST',
    usd: 0.005,
    unit: 'thousand requests',
    region: 'US East (N. Virginia)',
    source: 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/us-east-1/index.json',
    read: READ,
    official: false,
    note: 'AWS price list (Requests-Tier1, publication 2026-09-28) as quoted by a public cost note; not fetched here',
  },
  s3GetAndOther: {
    item: 'Amazon S3 Standard requests: GET, HEAD and all other requests',
    usd: 0.0004,
    unit: 'thousand requests',
    region: 'US East (N. Virginia)',
    source: 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/us-east-1/index.json',
    read: READ,
    official: false,
    note: 'Requests-Tier2, $0.004 per 10,000, as quoted by the same note; "DELETE and CANCEL requests are free" (aws.amazon.com/s3/pricing/)',
  },
  blobHotWrite: {
    item: 'Azure Blob Storage, hot tier, LRS, general purpose v2: write operations',
    usd: 0.05,
    unit: '10,000 operations',
    region: 'East US',
    source: 'https://prices.azure.com/api/retail/prices',
    read: READ,
    official: false,
    note: 'Azure Retail Prices API as quoted by a public price survey (fetched 2026-07-29); list operations are the same price, read $0.004, delete free',
  },
  blobHotList: {
    item: 'Azure Blob Storage, hot tier, LRS: list and create container operations',
    usd: 0.05,
    unit: '10,000 operations',
    region: 'East US',
    source: 'https://prices.azure.com/api/retail/prices',
    read: READ,
    official: false,
    note: 'as blobHotWrite',
  },
  blobHotRead: {
    item: 'Azure Blob Storage, hot tier, LRS: read operations (and "other", priced the same here)',
    usd: 0.004,
    unit: '10,000 operations',
    region: 'East US',
    source: 'https://prices.azure.com/api/retail/prices',
    read: READ,
    official: false,
    note: 'as blobHotWrite; Get Blob Properties is an "other" operation (learn.microsoft.com map-rest-apis-transaction-categories), whose price was not found apart: priced as a read',
  },
  blobCoolWrite: {
    item: 'Azure Blob Storage, cool tier, LRS: write operations',
    usd: 0.1,
    unit: '10,000 operations',
    region: 'East US',
    source: 'https://prices.azure.com/api/retail/prices',
    read: READ,
    official: false,
    note: 'as blobHotWrite; cool reads are $0.010 per 10,000 plus a per-GB retrieval charge',
  },
  tableTransactions: {
    item: 'Azure Table Storage transactions (every operation type)',
    usd: 0.00036,
    unit: '10,000 transactions',
    region: 'East US',
    source: 'https://prices.azure.com/api/retail/prices',
    read: READ,
    official: false,
    note: 'as quoted by the same survey: "$0.00036 per 10,000 transactions — all operation types, identical in West Europe and East US"',
  },
  cloudWatchLogsIngestion: {
    item: 'Amazon CloudWatch Logs ingestion, Standard log class',
    usd: 0.5,
    unit: 'GB',
    region: 'US East (N. Virginia)',
    source: 'https://c3x.dev/blog/cloudwatch-logs-cost-optimization',
    read: READ,
    official: false,
    note: '"Ingestion: $0.50 per GB" (us-east-1); aws.amazon.com/cloudwatch/pricing/ renders its table client-side',
  },
  cloudWatchAlarm: {
    item: 'Amazon CloudWatch standard-resolution alarm',
    usd: 0.1,
    unit: 'alarm metric-month',
    region: 'US East',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
    official: false,
    note: 'the page’s worked example "Four standard resolution alarms = $0.10 per alarm metric * 4", as quoted by a public cost note',
  },
  dynamoWriteRequestUnit: {
    item: 'Amazon DynamoDB on-demand write request units (Standard table class)',
    usd: 0.625,
    unit: 'million write request units',
    region: 'US East',
    source: 'https://airbyte.com/data-engineering-resources/dynamodb-pricing',
    read: READ_DYNAMODB,
    official: false,
    note: '"Write Request Units (WRU): $0.625 per million write request units" (US East), after the price cut of November 2024; aws.amazon.com/dynamodb/pricing/ renders its table client-side',
  },
  dynamoReadRequestUnit: {
    item: 'Amazon DynamoDB on-demand read request units (Standard table class)',
    usd: 0.125,
    unit: 'million read request units',
    region: 'US East',
    source: 'https://airbyte.com/data-engineering-resources/dynamodb-pricing',
    read: READ_DYNAMODB,
    official: false,
    note: '"Read Request Units (RRU): $0.125 per million read request units" (as dynamoWriteRequestUnit)',
  },
  cloudWatchDashboard: {
    item: 'Amazon CloudWatch dashboard',
    usd: 3,
    unit: 'dashboard-month',
    region: 'not stated',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
    official: false,
    note: '"Dashboards: $3.00 per dashboard per month", as quoted by a public cost note (the first three dashboards of an account are free, not counted)',
  },
  logAnalyticsIngestion: {
    item: 'Azure Monitor Log Analytics (Application Insights), Analytics logs ingestion, pay-as-you-go',
    usd: 2.3,
    unit: 'GB',
    region: 'not stated',
    source: 'https://monitoringcost.com/azure-monitor-cost',
    read: READ,
    official: false,
    note: '"Analytics Logs ingest at ~$2.30/GB (first 5 GB/workspace/month free)"; the free 5 GB is not counted',
  },
  azureLogAlertRule: {
    item: 'Azure Monitor log search alert rule',
    usd: null,
    unit: 'rule-month',
    region: 'East US',
    source: 'https://azure.microsoft.com/pricing/details/monitor/',
    read: READ,
    official: true,
    note: 'not found',
  },
  fargateVcpu: {
    item: 'AWS Fargate, Linux x86, per vCPU',
    usd: 0.04048,
    unit: 'vCPU-hour',
    region: 'US East (N. Virginia)',
    source: 'https://aws.amazon.com/fargate/pricing/',
    read: READ,
    official: false,
    note: 'AWS ECS regional price-list offer as quoted by a public rate card (retrieved 2026-09-30): "$0.04048/vCPU-hour + $0.004445/GiB-hour"',
  },
  fargateMemory: {
    item: 'AWS Fargate, Linux x86, per GiB of memory',
    usd: 0.004445,
    unit: 'GiB-hour',
    region: 'US East (N. Virginia)',
    source: 'https://aws.amazon.com/fargate/pricing/',
    read: READ,
    official: false,
    note: 'as fargateVcpu',
  },
  containerAppsVcpu: {
    item: 'Azure Container Apps, consumption plan, active vCPU',
    usd: 0.000024,
    unit: 'vCPU-second',
    region: 'East US',
    source: 'https://prices.azure.com/api/retail/prices',
    read: READ,
    official: false,
    note: 'Azure Retail Prices API as quoted by a public price survey (fetched 2026-07-29); the free monthly grant is not counted',
  },
  containerAppsMemory: {
    item: 'Azure Container Apps, consumption plan, memory (active and idle)',
    usd: 0.000003,
    unit: 'GiB-second',
    region: 'East US',
    source: 'https://prices.azure.com/api/retail/prices',
    read: READ,
    official: false,
    note: 'as containerAppsVcpu',
  },
} as const satisfies Record<string, ListPrice>;

export const BILLING_RULES = {
  dynamoRequestUnits: {
    rule:
      'DynamoDB: a standard write takes one write unit per KB of item (PutItem: the larger of the item ' +
      'before and after), rounded up; a strongly consistent read one read unit per 4 KB; a Query ' +
      'reads its items as one operation, their total size rounded up to the next 4 KB.',
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html',
    read: READ_DYNAMODB,
  },
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
  eventHubsCheckpoint: {
    rule:
      'Event Hubs trigger: batchCheckpointFrequency is "the number of batches to process before creating a checkpoint"; ' +
      'the checkpoint is written to the Function App’s storage account (a blob write per checkpoint).',
    source:
      'https://learn.microsoft.com/azure/azure-functions/functions-bindings-event-hubs#hostjson-settings',
    read: READ,
  },
  eventHubsBatching: {
    rule:
      'Event Hubs trigger: a batch is dispatched once minEventBatchSize events are there, with at most maxEventBatchSize; ' +
      'a partial batch when maxWaitTime elapses first. One invocation holds one partition’s events.',
    source:
      'https://learn.microsoft.com/azure/azure-functions/functions-bindings-event-hubs#hostjson-settings',
    read: READ,
  },
  lambdaKafkaBatching: {
    rule:
      'Lambda Kafka event source: Lambda invokes when the batch size is reached, the batching window expires or the ' +
      'payload reaches 6 MB; without settings, batch size 100 and a 500 ms window.',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/with-msk-configure.html',
    read: READ,
  },
  lambdaPlatformLog: {
    rule:
      'Lambda writes START, END and REPORT lines for every invocation to the function’s log group (REPORT: request id, ' +
      'duration, billed duration, memory size, max memory used; init duration on a cold start).',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html',
    read: READ,
  },
  azureFunctionLogCategories: {
    rule:
      'Azure Functions: the category Function.<name> carries the host’s "Executing" and "Executed" traces of each ' +
      'invocation, Function.<name>.User what the code logs; host.json logLevel sets each category apart.',
    source: 'https://learn.microsoft.com/azure/azure-functions/configure-monitoring#configure-categories',
    read: READ,
  },
} as const satisfies Record<string, BillingRule>;
