import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import type { LakeAudit } from '../audit/lakeAudit.js';
import { ledgersDrained } from '../audit/ledgersDrained.js';
import { localTopic } from '../cli/localTopic.js';
import { openLake, type RunningEmulators } from '../emulators/openLake.js';
import { createFaultPlan, type FaultKind } from '../faults/faultProxy.js';
import type { PartitionEvent } from '../platforms/azure/eventHubsDelivery.js';
import { platformFunctions } from '../platforms/platformFunctions.js';
import { generatedWaves } from '../sources/generatedWaves.js';
import type { CompactionReport } from './compactionUnderFaults.js';
import { auditDrainedLake } from './drainedLakeAudit.js';

export const RELIABILITY_STORES = ['azurite', 's3'] as const;
export type ReliabilityStore = (typeof RELIABILITY_STORES)[number];
/** Where a run's events come from: generated and delivered directly, or produced into a real broker. */
export const RELIABILITY_SOURCES = ['generator', 'kafka'] as const;
export type ReliabilitySource = (typeof RELIABILITY_SOURCES)[number];

export interface ReliabilityOptions {
  readonly store: ReliabilityStore;
  readonly events: number;
  readonly partitions: number;
  /** Share of storage requests that get a fault, 0 to 1. */
  readonly faultRate: number;
  readonly seed: number;
  /**
   * Largest batch per delivery: per partition for the generator, per invocation for the Kafka runner
   * (default 100: more, smaller invocations meet more faults).
   */
  readonly batchSize?: number;
  /** Running emulators to use instead of starting one (the tests share theirs). */
  readonly emulators?: RunningEmulators | undefined;
}

export interface ReliabilityReport extends LakeAudit {
  readonly store: ReliabilityStore;
  readonly source: ReliabilitySource;
  readonly platform: 'azure' | 'aws';
  readonly recordsIn: number;
  /** Storage requests and faults until the lake was drained; compaction's are its own. */
  readonly requests: number;
  readonly faults: Record<FaultKind, number>;
  /** Invocations of the ingestion function and the seal timer, the failed ones included. */
  readonly invocations: number;
  /** Failed invocations, each followed by the platform's retry: a redelivery or the timer's next run. */
  readonly invocationsRetried: number;
  /** The drained lake compacted through the same proxies, and read back through its Delta log. */
  readonly compaction: CompactionReport;
  readonly durationMs: number;
}

/** Events per second of event time, `npm run local`'s default: a minute holds 30000 events. */
const RATE = 500;
/** A batch redelivered this often without success means the pipeline is stuck, not unlucky. */
const MAX_ATTEMPTS = 50;

/**
 * Runs generated events through the real functions into Azurite (the Event Hubs function) or the S3
 * and DynamoDB emulators (the Lambda function with MSK events), every storage request passing a
 * fault proxy.
 * A failed invocation is retried as the platform would: the same batch again, or the timer's next
 * run. Once every ledger is drained, the lake is read back independently and each delivered
 * (partition, position) must be there exactly once; then it is compacted through the same proxies
 * (see `compactUnderFaults`).
 */
export async function runReliability(options: ReliabilityOptions): Promise<ReliabilityReport> {
  const began = Date.now();
  const folder = await mkdtemp(join(tmpdir(), 'capture-reliability-'));
  const plan = createFaultPlan({ rate: options.faultRate, seed: options.seed });
  // The AWS shape keeps its ledger in a DynamoDB table, as the stack deploys it: faults reach it too.
  const lake = await openLake(options.store, {
    emulators: options.emulators,
    faults: plan,
    ledgerInTable: options.store === 's3',
  });
  const topic = { ...localTopic(undefined, undefined), storage: lake.storage };
  try {
    const platform = options.store === 'azurite' ? 'azure' : 'aws';
    const startMs = Date.now() - Math.ceil((options.events / RATE) * 1000);
    let now = startMs;
    const context: CaptureContext = { topic, store: lake.store, clock: () => now };
    // Invocation logs are not what this run checks; they go to the scratch folder with the downloads.
    await mkdir(join(folder, '_logs'));
    const { deliver, seal } = platformFunctions(
      platform,
      context,
      join(folder, '_logs', 'invocations.jsonl'),
    );
    let invocations = 0;
    let invocationsRetried = 0;
    let lastFailure: unknown;
    const invoke = async (run: () => Promise<unknown>): Promise<boolean> => {
      invocations += 1;
      try {
        await run();
        return true;
      } catch (error) {
        invocationsRetried += 1;
        lastFailure = error;
        return false;
      }
    };
    const untilAccepted = async (batch: PartitionEvent[][]) => {
      for (let attempt = 1; !(await invoke(() => deliver(batch))); attempt++)
        if (attempt === MAX_ATTEMPTS)
          throw new Error(`a batch failed ${MAX_ATTEMPTS} deliveries in a row`, { cause: lastFailure });
    };

    const expected = new Set<string>();
    let nextTimerAt = startMs + 30_000;
    for (const { byPartition, eventTimeMs } of generatedWaves({
      totalEvents: options.events,
      partitions: options.partitions,
      rate: RATE,
      batchSize: options.batchSize ?? 100,
      seed: options.seed,
      startMs,
    })) {
      now = eventTimeMs;
      for (const [partition, events] of byPartition.entries())
        for (const event of events) expected.add(`${partition}/${event.sequenceNumber}`);
      await Promise.all(invocationsOf(platform, byPartition).map(untilAccepted));
      if (now >= nextTimerAt) {
        // A failed timer run is simply followed by the next one.
        await invoke(seal);
        nextTimerAt = now + 30_000;
      }
    }
    // Idle time: the timer runs until every minute is sealed. The check reads past the proxy, as an
    // observer rather than a part of the pipeline.
    const observer: CaptureContext = { ...context, store: lake.direct };
    for (let tick = 0; !(await ledgersDrained(observer)); tick++) {
      if (tick === MAX_ATTEMPTS)
        throw new Error(`the seal timer left minutes open after ${tick} runs`, { cause: lastFailure });
      now += (topic.sealDelaySeconds + 60) * 1000;
      await invoke(seal);
    }

    const drained = await auditDrainedLake({
      platform,
      topic,
      lake,
      plan,
      expected,
      lastEventMs: now,
      folder,
    });
    return {
      store: options.store,
      source: 'generator',
      platform,
      recordsIn: expected.size,
      invocations,
      invocationsRetried,
      ...drained,
      durationMs: Date.now() - began,
    };
  } finally {
    await lake.close();
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * The Event Hubs trigger invokes once per partition, so each partition's batch fails and is
 * redelivered alone; a Kafka event source mapping sends records of several partitions in one event.
 */
function invocationsOf(platform: 'azure' | 'aws', byPartition: PartitionEvent[][]): PartitionEvent[][][] {
  if (platform === 'aws') return [byPartition];
  return byPartition.flatMap((events, partition) =>
    events.length === 0 ? [] : [byPartition.map((_, other) => (other === partition ? events : []))],
  );
}
