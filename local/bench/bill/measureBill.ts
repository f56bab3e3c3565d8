import { startEmulator } from '../../emulators/openLake.js';
import type { RequestCounts } from '../../emulators/storageRequests.js';
import { PLATFORMS, type Platform } from '../../platforms/kafka/triggerFunctions.js';
import { createEventGenerator } from '../../sources/generator.js';
import { PRICES } from '../prices.js';
import {
  type DailyBill,
  dailyBill,
  type PricedLevers,
  REQUEST_WAIT_SECONDS,
  requestsPerDay,
} from './dailyBill.js';
import { deploymentShape } from './deploymentShape.js';
import { type PeerBill, type PeerId, type PeerInputs, peerBills } from './peers.js';
import {
  azureInvocationLogBytes,
  type InvocationLogBytes,
  lambdaInvocationLogBytes,
} from './platformLogs.js';
import { billVariants, SCENARIOS, type Scenario, shippedEventHubsSettings } from './scenarios.js';
import { runSlice, type SliceResult } from './slice.js';

/** One of our options in a scenario: a platform with the levers up to one row of the table. */
export interface OurOption {
  readonly platform: Platform;
  readonly lever: string;
  readonly label: string;
  readonly bill: DailyBill;
  readonly requestsPerDay: RequestCounts;
  readonly sealLatencySeconds: SliceResult['sealLatencySeconds'];
  /** Ours (all-in) over each peer's daily bill; null where the peer's price was not found. */
  readonly ratios: Partial<Record<PeerId, number | null>>;
  /** The same without compaction, which neither Capture nor Firehose does. */
  readonly captureOnlyRatios: Partial<Record<PeerId, number | null>>;
}

export interface ScenarioBill {
  readonly scenario: Scenario;
  readonly eventsPerSecondPerPartition: number;
  readonly options: readonly OurOption[];
  readonly peers: readonly PeerBill[];
  /** The contract's floor: one object write per partition and minute, over the platform's peer. */
  readonly objectWriteFloor: Record<Platform, { readonly usdPerDay: number; readonly ratio: number | null }>;
}

export interface BillResult {
  readonly countedMinutes: number;
  readonly meanRecordBytes: number;
  readonly requestWaitSeconds: number;
  readonly logBytesHow: Record<Platform, string>;
  readonly scenarios: readonly ScenarioBill[];
}

/** The peer each platform's target is set against: a tenth of Capture on Azure, of Firehose (MSK) on AWS. */
export const TARGET_PEER: Record<Platform, PeerId> = { azure: 'capture', aws: 'firehose-msk' };

const logBytesOf = (platform: Platform): Record<'ingest' | 'timer' | 'compaction', InvocationLogBytes> =>
  platform === 'azure'
    ? {
        ingest: azureInvocationLogBytes('eventhub-ingest'),
        timer: azureInvocationLogBytes('seal-timer'),
        compaction: azureInvocationLogBytes('compact-group'),
      }
    : {
        ingest: lambdaInvocationLogBytes('bill', 'capture-bill-ingest', 1024),
        timer: lambdaInvocationLogBytes('bill', 'capture-bill-seal-timer', 1024),
        compaction: lambdaInvocationLogBytes('bill', 'capture-bill-compaction-worker', 2048),
      };

/**
 * Every scenario on both platforms, each lever a row: the slices run through Azurite and the S3
 * server (started here once each), then each is billed for a day and set against the peers.
 */
export async function measureBill(
  countedMinutes: number,
  peerInputs: Omit<PeerInputs, 'meanRecordBytes'>,
  step: (message: string) => void,
): Promise<BillResult> {
  const meanRecordBytes = meanGeneratedBytes();
  const emulators = await Promise.all([startEmulator('azurite'), startEmulator('s3')]);
  try {
    const running = Object.assign({}, ...emulators.map((started) => started.emulators));
    const scenarios: ScenarioBill[] = [];
    const shapes = { azure: deploymentShape('azure'), aws: deploymentShape('aws') };
    for (const scenario of SCENARIOS) {
      const perPartition =
        scenario.bytesPerTopicPerDay / meanRecordBytes / 86_400 / scenario.partitionsPerTopic;
      const peers = peerBills(scenario, { ...peerInputs, meanRecordBytes });
      const options: OurOption[] = [];
      for (const platform of PLATFORMS) {
        const shape = shapes[platform];
        const logs = logBytesOf(platform);
        const runs = new Map<string, SliceResult>();
        for (const variant of billVariants(platform)) {
          step(`bill: ${scenario.id}, ${platform}, ${variant.id}`);
          runs.set(
            variant.id,
            await runSlice({
              platform,
              settings: variant.settings,
              ledgerCache: variant.ledgerCache,
              ledgerInTable: variant.ledgerInTable,
              partitions: scenario.simulatedPartitions,
              eventsPerSecondPerPartition: perPartition,
              countedMinutes,
              emulators: running,
            }),
          );
        }
        for (const row of leverRows(platform)) {
          const slice = runs.get(row.run) as SliceResult;
          const bill = dailyBill(scenario, slice, countedMinutes, shape, logs, row.levers);
          const ratio = (value: number) => (peer: PeerBill) =>
            [peer.id, peer.usdPerDay === null ? null : value / peer.usdPerDay] as const;
          options.push({
            platform,
            lever: row.id,
            label: row.label,
            bill,
            requestsPerDay: requestsPerDay([bill.ingestion, bill.sealTimer, bill.compaction]),
            sealLatencySeconds: slice.sealLatencySeconds,
            ratios: Object.fromEntries(peers.map(ratio(bill.allIn))),
            captureOnlyRatios: Object.fromEntries(peers.map(ratio(bill.captureOnly))),
          });
        }
      }
      scenarios.push({
        scenario,
        eventsPerSecondPerPartition: perPartition,
        options,
        peers,
        objectWriteFloor: objectWriteFloor(scenario, peers),
      });
    }
    return {
      countedMinutes,
      meanRecordBytes,
      requestWaitSeconds: REQUEST_WAIT_SECONDS,
      logBytesHow: { azure: logBytesOf('azure').ingest.how, aws: logBytesOf('aws').ingest.how },
      scenarios,
    };
  } finally {
    for (const started of emulators) await started.stop();
  }
}

interface LeverRow {
  readonly id: string;
  readonly label: string;
  /** The slice the row is billed from (see `billVariants`). */
  readonly run: string;
  readonly levers: PricedLevers;
}

/** The rows of one platform, each adding one lever to the one above; the last is what ships now. */
function leverRows(platform: Platform): LeverRow[] {
  const variants = billVariants(platform);
  const before: PricedLevers = { hostTraces: true, checkpointEveryBatches: 1, dashboards: true };
  const rows: LeverRow[] = variants.map((variant) => ({
    id: variant.id,
    label: variant.label,
    run: variant.id,
    levers: before,
  }));
  const last = rows.at(-1) as LeverRow;
  if (platform === 'aws') {
    return [
      ...rows,
      {
        id: 'dashboard',
        label: '+ a dashboard only when the topic asks for one (aws.dashboard)',
        run: last.run,
        levers: { ...before, dashboards: false },
      },
    ];
  }
  return [
    ...rows,
    {
      id: 'host-traces',
      label: '+ host’s Executing/Executed traces off (our line per invocation stays)',
      run: last.run,
      levers: { ...before, hostTraces: false },
    },
    {
      id: 'checkpoints',
      label: `+ a checkpoint every ${shippedEventHubsSettings().checkpointEveryBatches} batches`,
      run: last.run,
      levers: {
        ...before,
        hostTraces: false,
        checkpointEveryBatches: shippedEventHubsSettings().checkpointEveryBatches,
      },
    },
  ];
}

/** The least the contract allows: each partition-minute's object written once (Put Blob; PutObject). */
function objectWriteFloor(scenario: Scenario, peers: readonly PeerBill[]): ScenarioBill['objectWriteFloor'] {
  const objects = scenario.partitionsPerTopic * scenario.topics * 1440;
  const floor = (platform: Platform, usdPerRequest: number) => {
    const peer = peers.find((candidate) => candidate.id === TARGET_PEER[platform])?.usdPerDay ?? null;
    const usdPerDay = objects * usdPerRequest;
    return { usdPerDay, ratio: peer === null ? null : usdPerDay / peer };
  };
  return {
    azure: floor('azure', PRICES.blobHotWrite.usd / 10_000),
    aws: floor('aws', PRICES.s3PutCopyPostList.usd / 1000),
  };
}

/** The generator's mean body size: what sets events per second for a daily volume. */
function meanGeneratedBytes(): number {
  const generate = createEventGenerator(1);
  const sample = 5000;
  let bytes = 0;
  for (let index = 0; index < sample; index++) bytes += generate(Date.UTC(2026, 0, 5) + index).body.length;
  return bytes / sample;
}
