import type { RequestCounts, StorageRequestKind } from '../../emulators/storageRequests.js';
import type { Platform } from '../../platforms/kafka/triggerFunctions.js';
import { PRICES } from '../prices.js';
import type { InvocationLogBytes } from './platformLogs.js';
import type { Scenario } from './scenarios.js';
import type { BillPhase, PhaseFigures, SliceResult } from './slice.js';

/**
 * US dollars per request of each kind; null where the kind is not billed (setup). DynamoDB bills by
 * request units, which depend on item sizes: priced per phase (see `dynamoRequestPrices`).
 */
const PER_REQUEST: Record<Exclude<StorageRequestKind, DynamoKind>, number | null> = {
  's3 PUT/COPY/POST': PRICES.s3PutCopyPostList.usd / 1000,
  's3 LIST': PRICES.s3PutCopyPostList.usd / 1000,
  's3 GET/HEAD': PRICES.s3GetAndOther.usd / 1000,
  // A POST; the page calls DELETE requests free but says nothing of multi-object deletes: priced as a POST.
  's3 DeleteObjects': PRICES.s3PutCopyPostList.usd / 1000,
  's3 DELETE': 0,
  'blob write': PRICES.blobHotWrite.usd / 10_000,
  'blob list': PRICES.blobHotList.usd / 10_000,
  'blob read': PRICES.blobHotRead.usd / 10_000,
  'blob other': PRICES.blobHotRead.usd / 10_000,
  'blob delete': 0,
  'table query': PRICES.tableTransactions.usd / 10_000,
  'table entity': PRICES.tableTransactions.usd / 10_000,
  setup: null,
};

type DynamoKind = 'dynamodb write' | 'dynamodb read' | 'dynamodb query';
const WRITE_UNIT_USD = PRICES.dynamoWriteRequestUnit.usd / 1e6;
const READ_UNIT_USD = PRICES.dynamoReadRequestUnit.usd / 1e6;
const KB = 1024;

/**
 * The ledger table's requests priced from the items the phase wrote (BILLING_RULES.dynamoRequestUnits):
 * a write at its measured write units; a strongly consistent read of one such item at a read unit per
 * started 4 KB; the timer's query of a topic's items at their total size in 4 KB units.
 */
function dynamoRequestPrices(figures: PhaseFigures, partitionsPerTopic: number): Record<DynamoKind, number> {
  const writeUnits = figures.ledgerWrites > 0 ? figures.ledgerWriteUnits / figures.ledgerWrites : 1;
  return {
    'dynamodb write': writeUnits * WRITE_UNIT_USD,
    'dynamodb read': Math.ceil((writeUnits * KB) / (4 * KB)) * READ_UNIT_USD,
    'dynamodb query': Math.ceil((partitionsPerTopic * writeUnits * KB) / (4 * KB)) * READ_UNIT_USD,
  };
}

/** Requests made once per run of the timer or compaction (their listings), not per partition or object. */
const LISTING_KINDS: ReadonlySet<StorageRequestKind> = new Set([
  's3 LIST',
  'blob list',
  'table query',
  'dynamodb query',
]);

/**
 * Assumed, not measured: the time an invocation waits on each storage request in the cloud (a small
 * object or entity, same region). The emulators share this machine's cores, so their times say nothing.
 */
export const REQUEST_WAIT_SECONDS = 0.01;
/** Lambda gives one full vCPU at 1,769 MB and a proportional share below (BILLING_RULES.lambdaCpu). */
const LAMBDA_FULL_CPU_MB = 1769;
const HOURS_PER_DAY = 24;
const MINUTES_PER_DAY = 1440;
const DAYS_PER_MONTH = 30;

/** What the deployment runs with: memory per function, and the fixed monitoring a topic's stack creates. */
export interface DeploymentShape {
  readonly platform: Platform;
  readonly memoryMb: Record<BillPhase, number>;
  readonly partitionsPerCompactionGroup: number;
  readonly alarmsPerTopic: number;
  readonly dashboardsPerTopic: number;
}

/**
 * Levers priced on a run without running again: the host's own traces and checkpoint writes (Azure),
 * and whether each topic's stack has its dashboard (AWS).
 */
export interface PricedLevers {
  readonly hostTraces: boolean;
  readonly checkpointEveryBatches: number;
  readonly dashboards: boolean;
}

export interface PhaseBill {
  readonly compute: number;
  readonly requests: number;
  readonly requestsByKind: Partial<
    Record<StorageRequestKind, { readonly perDay: number; readonly usd: number }>
  >;
  readonly executions: number;
  readonly invocationsPerDay: number;
  readonly logIngestion: number;
  readonly logGbPerDay: number;
}

export interface DailyBill {
  readonly ingestion: PhaseBill;
  readonly sealTimer: PhaseBill;
  readonly compaction: PhaseBill;
  /** The Event Hubs trigger's checkpoints in the app's storage account (Azure only). */
  readonly checkpoints: number;
  /** Alarms and dashboards of every topic's stack; null where their price was not found. */
  readonly monitoring: number | null;
  /** Everything but compaction: what Capture and Firehose also do. */
  readonly captureOnly: number;
  /** Everything, compaction's Parquet included. */
  readonly allIn: number;
}

const sumBy = <T>(items: readonly T[], value: (item: T) => number) =>
  items.reduce((sum, item) => sum + value(item), 0);

/**
 * A day of the scenario from one slice: each phase's requests, CPU, invocations and log bytes scaled
 * by what a day repeats (partition-minutes for ingestion; timer runs, per partition and per topic;
 * compaction per raw object and, for its listings, per hourly run and partition group), then priced.
 */
export function dailyBill(
  scenario: Scenario,
  slice: SliceResult,
  countedMinutes: number,
  shape: DeploymentShape,
  logs: Record<BillPhase, InvocationLogBytes>,
  levers: PricedLevers,
): DailyBill {
  const partitionFactor = (scenario.partitionsPerTopic / scenario.simulatedPartitions) * scenario.topics;
  const groups =
    Math.ceil(scenario.partitionsPerTopic / shape.partitionsPerCompactionGroup) * scenario.topics;
  const objectsPerDay = scenario.partitionsPerTopic * scenario.topics * MINUTES_PER_DAY;
  const scales: Record<BillPhase, { each: number; listing: number }> = {
    ingest: {
      each: (partitionFactor * MINUTES_PER_DAY) / countedMinutes,
      listing: (partitionFactor * MINUTES_PER_DAY) / countedMinutes,
    },
    timer: {
      each: (partitionFactor * MINUTES_PER_DAY) / Math.max(1, slice.timerRuns),
      listing: (scenario.topics * MINUTES_PER_DAY) / Math.max(1, slice.timerRuns),
    },
    compaction: {
      each: objectsPerDay / Math.max(1, slice.compactedObjects),
      listing: groups * HOURS_PER_DAY,
    },
  };
  const invocationsPerDay: Record<BillPhase, number> = {
    ingest: slice.phases.ingest.invocations * scales.ingest.each,
    timer: scenario.topics * MINUTES_PER_DAY,
    // The dispatcher (Azure: the compaction timer) and one worker per group, every hour.
    compaction: (scenario.topics + groups) * HOURS_PER_DAY,
  };

  const phaseBill = (phase: BillPhase): PhaseBill => {
    const figures = slice.phases[phase];
    const scale = scales[phase];
    const requestsByKind: PhaseBill['requestsByKind'] = {};
    let requestCount = 0;
    const dynamoPrices = dynamoRequestPrices(figures, scenario.partitionsPerTopic);
    for (const [kind, count] of Object.entries(figures.requests) as [StorageRequestKind, number][]) {
      const price = kind.startsWith('dynamodb ')
        ? dynamoPrices[kind as DynamoKind]
        : PER_REQUEST[kind as Exclude<StorageRequestKind, DynamoKind>];
      if (price === null) continue;
      const perDay = count * (LISTING_KINDS.has(kind) ? scale.listing : scale.each);
      requestsByKind[kind] = { perDay, usd: perDay * price };
      requestCount += perDay;
    }
    const cpuSecondsPerDay = figures.cpuSeconds * scale.each;
    const memoryGb = shape.memoryMb[phase] / 1024;
    const cpuShare = shape.platform === 'aws' ? Math.min(1, shape.memoryMb[phase] / LAMBDA_FULL_CPU_MB) : 1;
    const durationSeconds = cpuSecondsPerDay / cpuShare + requestCount * REQUEST_WAIT_SECONDS;
    const computePrice =
      shape.platform === 'aws' ? PRICES.lambdaArmDuration.usd : PRICES.flexOnDemandExecutionTime.usd;
    const executionPrice =
      shape.platform === 'aws' ? PRICES.lambdaRequests.usd : PRICES.flexOnDemandExecutions.usd;
    const invocations = invocationsPerDay[phase];
    const ownBytes = figures.logBytes / Math.max(1, figures.invocations);
    const added = logs[phase];
    const platformBytes = levers.hostTraces || shape.platform === 'aws' ? added.platform : 0;
    const logGbPerDay = (invocations * (ownBytes + added.envelope + added.metrics + platformBytes)) / 1e9;
    const logPrice =
      shape.platform === 'aws' ? PRICES.cloudWatchLogsIngestion.usd : PRICES.logAnalyticsIngestion.usd;
    return {
      compute: durationSeconds * memoryGb * computePrice,
      requests: sumBy(Object.values(requestsByKind), (entry) => entry?.usd ?? 0),
      requestsByKind,
      executions: (invocations / 1e6) * executionPrice,
      invocationsPerDay: invocations,
      logIngestion: logGbPerDay * logPrice,
      logGbPerDay,
    };
  };

  const ingestion = phaseBill('ingest');
  const sealTimer = phaseBill('timer');
  const compaction = phaseBill('compaction');
  const checkpoints =
    shape.platform === 'azure'
      ? (ingestion.invocationsPerDay / levers.checkpointEveryBatches) * (PRICES.blobHotWrite.usd / 10_000)
      : 0;
  const monitoring =
    shape.platform === 'aws'
      ? (scenario.topics *
          (shape.alarmsPerTopic * PRICES.cloudWatchAlarm.usd +
            (levers.dashboards ? shape.dashboardsPerTopic : 0) * PRICES.cloudWatchDashboard.usd)) /
        DAYS_PER_MONTH
      : PRICES.azureLogAlertRule.usd;
  const total = (bill: PhaseBill) => bill.compute + bill.requests + bill.executions + bill.logIngestion;
  const captureOnly = total(ingestion) + total(sealTimer) + checkpoints + (monitoring ?? 0);
  return {
    ingestion,
    sealTimer,
    compaction,
    checkpoints,
    monitoring,
    captureOnly,
    allIn: captureOnly + total(compaction),
  };
}

/** Requests per day by kind over phases, for the JSON. */
export function requestsPerDay(bills: readonly PhaseBill[]): RequestCounts {
  const counts: RequestCounts = {};
  for (const bill of bills) {
    for (const [kind, entry] of Object.entries(bill.requestsByKind) as [
      StorageRequestKind,
      { perDay: number },
    ][])
      counts[kind] = (counts[kind] ?? 0) + Math.round(entry.perDay);
  }
  return counts;
}
