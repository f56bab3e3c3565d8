import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicSchema } from '../../../shared/config/schema.js';
import type { PartitionLedger } from '../../../shared/ledger.js';
import type { CaptureContext } from '../../../shared/pipeline/context.js';
import type { CaptureStore, LedgerStore } from '../../../shared/store.js';
import { ledgerItemBytes } from '../../../shared/stores/dynamodb/dynamoLedgerStore.js';
import { openLake, type RunningEmulators } from '../../emulators/openLake.js';
import { createRequestTally, type RequestCounts } from '../../emulators/storageRequests.js';
import type { Platform } from '../../platforms/kafka/triggerFunctions.js';
import { platformFunctions } from '../../platforms/platformFunctions.js';
import { deliveriesOf, generateStreams } from './sliceTraffic.js';
import type { TriggerSettings } from './triggerBatches.js';

/** The phases a bill is written for: what ingestion, the seal timer and compaction each cost. */
export const BILL_PHASES = ['ingest', 'timer', 'compaction'] as const;
export type BillPhase = (typeof BILL_PHASES)[number];

export interface SliceOptions {
  readonly platform: Platform;
  readonly settings: TriggerSettings;
  /** False runs every batch as if on a new instance: the ledger read back each time, as before the cache. */
  readonly ledgerCache: boolean;
  /** The S3 lake's ledger in a DynamoDB table, as the AWS stack deploys it now, instead of the bucket. */
  readonly ledgerInTable: boolean;
  /** Partitions simulated; the bill scales what one partition costs to the topic's. */
  readonly partitions: number;
  readonly eventsPerSecondPerPartition: number;
  /** Minutes of steady traffic counted, after the warm-up. */
  readonly countedMinutes: number;
  readonly emulators: RunningEmulators;
}

/** What one phase did inside the counted minutes (compaction: over the whole slice's hour). */
export interface PhaseFigures {
  readonly requests: RequestCounts;
  readonly invocations: number;
  /** CPU seconds of this process (the functions and their SDK clients; the emulators run apart). */
  readonly cpuSeconds: number;
  /** Bytes of the log lines our functions wrote, as the local runner writes them. */
  readonly logBytes: number;
  readonly logLines: number;
  /**
   * Ledger writes and the DynamoDB write units they cost (a unit per started KB of the larger of the
   * item before and after): each write's item sized as the table store writes it.
   */
  readonly ledgerWrites: number;
  readonly ledgerWriteUnits: number;
}

export interface SliceResult {
  readonly phases: Record<BillPhase, PhaseFigures>;
  readonly records: number;
  readonly countedRecords: number;
  readonly bodyBytes: number;
  /** Timer runs inside the counted minutes. */
  readonly timerRuns: number;
  /** Raw objects compaction read (every object of the slice's hour). */
  readonly compactedObjects: number;
  /** From a minute's end until its object was visible, over every minute of the slice. */
  readonly sealLatencySeconds: { readonly mean: number; readonly max: number };
}

/** A fixed hour, so two runs place the same events in the same minutes. */
const SLICE_START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const MINUTE_MS = 60_000;
/**
 * Minutes before counting starts: longer than any trigger's wait (a minute), so every partition has
 * had its first batch, its ledger and its first sealed minute before a request is counted.
 */
const WARMUP_MINUTES = 2;
/** Timer runs once traffic stops, so the last minutes seal as on an idle partition. */
const COOLDOWN_MINUTES = 4;
/** Compaction's hourly run, at minute 10 of the next hour. */
const COMPACTION_AT_MS = SLICE_START_MS + 70 * MINUTE_MS;

/**
 * Runs a few minutes of one topic's traffic through the platform's real functions into the real
 * emulator (Azurite for the Event Hubs function, the S3 server for the Lambda one), on simulated time:
 * the trigger's batches cut by its settings (see `cutTriggerBatches`), the seal timer every minute at
 * second 30, then the hourly compaction. Every storage request is counted by kind through a proxy, in
 * the phase that made it; so are CPU time and log bytes. The first minutes warm up (first ledgers, cold
 * clients) and the cooldown drains: only the minutes between are counted, a steady state a day repeats.
 */
export async function runSlice(options: SliceOptions): Promise<SliceResult> {
  const folder = await mkdtemp(join(tmpdir(), 'capture-bill-'));
  const tally = createRequestTally('outside');
  const lake = await openLake(options.platform === 'azure' ? 'azurite' : 's3', {
    emulators: options.emulators,
    tally,
    ledgerInTable: options.ledgerInTable,
  });
  try {
    const topic = topicSchema.parse({
      name: 'bill',
      source: options.platform === 'azure' ? 'eventhub' : 'kafka',
      storage: lake.storage,
    });
    let now = SLICE_START_MS;
    const sealedAt = new Map<string, number>();
    const itemBytes = new Map<string, number>();
    const figuresOfWrites = Object.fromEntries(
      BILL_PHASES.map((phase) => [phase, { writes: 0, units: 0 }]),
    ) as Record<BillPhase, { writes: number; units: number }>;
    // Sized once the call's CPU is read: gzipping each state again is the bench's work, not the function's.
    const writtenStates: { readonly key: string; readonly bytes: () => number }[] = [];
    const sizeWrites = (phase: BillPhase | null) => {
      for (const { key, bytes } of writtenStates.splice(0)) {
        const after = bytes();
        const before = itemBytes.get(key) ?? 0;
        itemBytes.set(key, after);
        if (phase === null) continue;
        figuresOfWrites[phase].writes += 1;
        figuresOfWrites[phase].units += Math.ceil(Math.max(before, after) / 1024);
      }
    };
    const store = observedStore(lake.store, {
      ledgerCache: options.ledgerCache,
      published: (path) => {
        if (path.startsWith('raw/') && !sealedAt.has(path)) sealedAt.set(path, now);
      },
      ledgerWritten: (topicName, partition, state) => {
        writtenStates.push({
          key: `${topicName}/${partition}`,
          bytes: () => ledgerItemBytes(topicName, partition, state),
        });
      },
    });
    const context: CaptureContext = { topic, store, clock: () => now };
    const logFile = join(folder, 'invocations.jsonl');
    appendFileSync(logFile, '');
    const functions = platformFunctions(options.platform, context, logFile);

    const trafficMinutes = WARMUP_MINUTES + options.countedMinutes + 1;
    const streams = generateStreams(
      SLICE_START_MS,
      options.partitions,
      options.eventsPerSecondPerPartition,
      trafficMinutes,
    );
    const deliveries = deliveriesOf(options.platform, streams, options.settings);
    const windowStart = SLICE_START_MS + WARMUP_MINUTES * MINUTE_MS;
    const windowEnd = windowStart + options.countedMinutes * MINUTE_MS;
    const figures = Object.fromEntries(BILL_PHASES.map((phase) => [phase, emptyFigures()])) as Record<
      BillPhase,
      MutableFigures
    >;
    const measured = async (phase: BillPhase, counted: boolean, call: () => Promise<unknown>) => {
      tally.setPhase(counted ? phase : 'outside');
      const logBefore = statSync(logFile).size;
      const linesBefore = lineCount(logFile);
      const cpuBefore = process.cpuUsage();
      await call();
      const cpu = process.cpuUsage(cpuBefore);
      sizeWrites(counted ? phase : null);
      if (!counted) return;
      const figure = figures[phase];
      figure.cpuSeconds += (cpu.user + cpu.system) / 1e6;
      figure.logBytes += statSync(logFile).size - logBefore;
      figure.logLines += lineCount(logFile) - linesBefore;
    };

    let timerRuns = 0;
    let countedRecords = 0;
    const ticks = Array.from(
      { length: trafficMinutes + COOLDOWN_MINUTES },
      (_, minute) => SLICE_START_MS + minute * MINUTE_MS + 30_000,
    );
    let tick = 0;
    for (const delivery of [...deliveries, null]) {
      const until = delivery?.deliveredMs ?? Number.POSITIVE_INFINITY;
      for (; tick < ticks.length && (ticks[tick] as number) < until; tick++) {
        now = ticks[tick] as number;
        const counted = now >= windowStart && now < windowEnd;
        if (counted) timerRuns += 1;
        await measured('timer', counted, () => functions.seal());
        if (counted) figures.timer.invocations += 1;
      }
      if (!delivery) break;
      now = delivery.deliveredMs;
      const counted = now >= windowStart && now < windowEnd;
      const invoked = delivery.byPartition.filter((events) => events.length > 0).length;
      // What the platform builds (the mapping's JSON, the trigger's arrays) is not the function's CPU.
      await measured('ingest', counted, functions.prepare(delivery.byPartition));
      if (counted) {
        figures.ingest.invocations += options.platform === 'azure' ? invoked : 1;
        countedRecords += delivery.byPartition.reduce((sum, events) => sum + events.length, 0);
      }
    }
    now = COMPACTION_AT_MS;
    let compactedObjects = 0;
    await measured('compaction', true, async () => {
      const summary = await functions.compact();
      compactedObjects = summary.rawObjectsRead;
    });
    figures.compaction.invocations = figures.compaction.logLines;

    const latencies = [...sealedAt].map(([path, at]) => (at - (minuteOfPath(path) + MINUTE_MS)) / 1000);
    const byPhase = tally.byPhase();
    return {
      phases: Object.fromEntries(
        BILL_PHASES.map((phase) => [
          phase,
          {
            ...figures[phase],
            requests: byPhase[phase] ?? {},
            ledgerWrites: figuresOfWrites[phase].writes,
            ledgerWriteUnits: figuresOfWrites[phase].units,
          },
        ]),
      ) as Record<BillPhase, PhaseFigures>,
      records: streams.reduce((sum, events) => sum + events.length, 0),
      countedRecords,
      bodyBytes: streams.reduce(
        (sum, events) => sum + events.reduce((bytes, e) => bytes + e.body.length, 0),
        0,
      ),
      timerRuns,
      compactedObjects,
      sealLatencySeconds: {
        mean: latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length),
        max: Math.max(0, ...latencies),
      },
    };
  } finally {
    await lake.close();
    await rm(folder, { recursive: true, force: true });
  }
}

interface MutableFigures {
  invocations: number;
  cpuSeconds: number;
  logBytes: number;
  logLines: number;
}

const emptyFigures = (): MutableFigures => ({ invocations: 0, cpuSeconds: 0, logBytes: 0, logLines: 0 });

function lineCount(file: string): number {
  // A slice's log is a few thousand lines at most: reading it whole keeps the count exact.
  return readFileSync(file, 'utf8').split('\n').length - 1;
}

/**
 * The lake's store as the functions get it: publishing and ledger writes noted (when each object
 * became visible; each ledger state written), and without the ledger cache when asked, by handing out
 * a new ledger object on every use (the cache belongs to the ledger object, see `ledgerCacheOf`), as
 * if each call ran on a fresh instance.
 */
function observedStore(
  store: CaptureStore,
  observers: {
    readonly ledgerCache: boolean;
    readonly published: (path: string) => void;
    readonly ledgerWritten: (topic: string, partition: string, state: PartitionLedger) => void;
  },
): CaptureStore {
  const { ledgerCache, published } = observers;
  const objects = {
    ...store.objects,
    stage: store.objects.stage.bind(store.objects),
    deleteStaged: store.objects.deleteStaged.bind(store.objects),
    list: store.objects.list.bind(store.objects),
    read: store.objects.read.bind(store.objects),
    publish: async (path: string, staged: readonly string[]) => {
      const outcome = await store.objects.publish(path, staged);
      published(path);
      return outcome;
    },
  };
  const newLedger = (): LedgerStore => ({
    read: store.ledger.read.bind(store.ledger),
    write: async (topic, partition, state, expectedVersion) => {
      const version = await store.ledger.write(topic, partition, state, expectedVersion);
      if (version !== null) observers.ledgerWritten(topic, partition, state);
      return version;
    },
    partitions: store.ledger.partitions.bind(store.ledger),
  });
  if (ledgerCache) {
    const ledger = newLedger();
    return { objects, ledger };
  }
  return {
    objects,
    get ledger() {
      return newLedger();
    },
  };
}

/** The start of the minute an object holds, from the default layout `{topic}/{yyyy}/{MM}/{dd}/{HH}/{mm}`. */
function minuteOfPath(path: string): number {
  const match = /\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\//.exec(path);
  if (!match) throw new Error(`no minute in ${path}`);
  const [, year, month, day, hour, minute] = match.map(Number) as number[];
  return Date.UTC(year as number, (month as number) - 1, day, hour, minute);
}
