import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfigFile, selectTopic } from '../../../shared/config/load.js';
import { type TopicConfig, topicSchema } from '../../../shared/config/schema.js';
import type { CaptureContext } from '../../../shared/pipeline/context.js';
import { addSummary, type CaptureSummary, emptySummary } from '../../../shared/pipeline/summary.js';
import type { RecordDecoder } from '../../../shared/registry/recordDecoder.js';
import { registryDecoderFor } from '../../../shared/registry/registryDecoderFor.js';
import type { CaptureStore } from '../../../shared/store.js';
import { ledgersDrained } from '../../audit/ledgersDrained.js';
import type { LakeRecipe } from '../../emulators/lakeRecipe.js';
import { type BatchBuilder, createBatchBuilder, type FetchedRecord } from '../../platforms/kafka/batches.js';
import { type CpuSplit, cpuSplitLine, startCpuSplit } from '../../platforms/kafka/cpuSplit.js';
import { createCommitTracker, deliverBatch, type RetryBackoff } from '../../platforms/kafka/delivery.js';
import { type FunctionInstances, startFunctionInstances } from '../../platforms/kafka/functionInstances.js';
import { kafkaPlatformFunctions, type Platform } from '../../platforms/kafka/triggerFunctions.js';
import { createKafkaProgress, type KafkaProgress } from './progress.js';
import { type KafkaReader, openKafkaReader, type PartitionProgress } from './reader.js';

/** The seal timer's period on the wall clock. */
const SEAL_TIMER_MS = 30_000;
/** How often the lag is asked from the broker (and, idle with --until-drained, whether all is committed). */
const PROGRESS_MS = 1_000;
/** After a failed fetch (broker restarting, leader moving), the wait before the next. */
const FETCH_RETRY_MS = 1_000;
/**
 * Once drained, the seal timer runs this often at most to seal the last minutes: once is enough when
 * storage answers; a failed run (the timer's retry) or a failed look at the ledgers takes another.
 */
const DRAIN_TIMER_RUNS = 20;

/**
 * The topic a Kafka capture runs with: the config file's entry of that name, or the embedded local
 * settings under the Kafka topic's name (JSON-lines envelopes, so the output can be checked offset by
 * offset; zstd; consumer group `capture-local`, so a second run continues where the first stopped).
 */
export function localKafkaTopic(configFile: string | undefined, name: string): TopicConfig {
  if (configFile) return selectTopic(loadConfigFile(configFile), name, configFile);
  return topicSchema.parse({
    name,
    source: 'kafka',
    consumerGroup: 'capture-local',
    compression: 'zstd',
    jsonl: { envelope: true },
  });
}

export interface KafkaSourceOptions {
  readonly brokers: readonly string[];
  readonly platform: Platform;
  readonly topic: TopicConfig;
  readonly store: CaptureStore;
  readonly logFile: string;
  readonly maxRecords?: number;
  readonly maxWaitMs?: number;
  /** Stop once every record of the topic is committed and sealed, instead of running until stopped. */
  readonly untilDrained: boolean;
  /**
   * The waits between attempts at a failed batch; by default the platform's (Azure: the function's
   * retry policy, 5 s doubling to 5 min). A run that meets many failures on purpose waits less.
   */
  readonly retryBackoff?: RetryBackoff;
  /**
   * The decoder of a topic with a registry (one per run, as one per instance); by default one that
   * reaches a Confluent registry at its configured URL without credentials.
   */
  readonly decoder?: RecordDecoder;
  /**
   * Function instances working the partitions side by side, each in a thread of its own with its own
   * store on the lake `lake` describes: as a Function App scales out, or as Lambda runs a mapping's
   * partitions concurrently. At most one per partition. Without it, one instance in this thread
   * uses `store` (and `decoder`).
   */
  readonly instances?: { readonly count: number; readonly lake: LakeRecipe };
}

/** Records fetched for one function instance, cut into its batches, and its ingestion function. */
interface Lane {
  readonly batches: BatchBuilder;
  ingest(records: readonly FetchedRecord[]): Promise<CaptureSummary>;
}

/**
 * Runs the capture of one Kafka topic as the platform's trigger would: a member of the topic's
 * consumer group reads its partitions in order, cuts batches by the trigger's size and wait, calls
 * the platform's ingestion function with each batch until it succeeds, and commits the offsets only
 * then; the seal timer runs every 30 s. Runs until SIGINT or SIGTERM, or with `untilDrained` until
 * the topic's end offsets are committed and the seal timer has sealed every minute.
 */
export async function runKafkaSource(options: KafkaSourceOptions): Promise<CaptureSummary> {
  const { topic } = options;
  // Once the topic is drained, the runner lets time pass instead of waiting for it, as the generator
  // mode does: the timer then seals the last minutes at once.
  let clockAheadMs = 0;
  const context: CaptureContext = {
    topic,
    store: options.store,
    clock: () => Date.now() + clockAheadMs,
    decoder: options.decoder ?? registryDecoderFor(topic, {}),
  };
  const functions = kafkaPlatformFunctions(options.platform, context, options);
  const totals = emptySummary();
  const progress = createKafkaProgress(topic.name, totals);
  const reader = await openKafkaReader({
    brokers: options.brokers,
    topic: topic.name,
    groupId: topic.consumerGroup,
    clientId: `capture-local-${options.platform}`,
  });
  const stop = new AbortController();
  let instances: FunctionInstances | null = null;
  /** Why the run stopped before its end, to throw once the loops have ended. */
  let lostInstance: unknown = null;
  try {
    instances = await startInstances(options, reader, progress);
  } catch (error) {
    await reader.close();
    throw error;
  }
  instances?.lost.catch((error: unknown) => {
    lostInstance = error;
    stop.abort();
  });
  const lanes: Lane[] = (instances?.instances ?? [functions]).map((instance) => ({
    batches: createBatchBuilder(functions.limits),
    ingest: (records) => instance.ingest(records),
  }));
  /**
   * Each partition always goes to the same instance, in turn by number. The numbers are the topic's:
   * beside another member of the group, this one's partitions may share out unevenly.
   */
  const laneOf = (partition: number) => lanes[partition % lanes.length] as Lane;
  const waitingRecords = () => lanes.reduce((sum, lane) => sum + lane.batches.waiting, 0);
  const commits = createCommitTracker((offsets) => reader.commit(offsets));
  /** The next offset to fetch per partition, as far as this member has read since its assignment. */
  const fetchedNext = new Map<number, number>();
  reader.onAssigned((revoked) => {
    // The reader starts again from the committed offsets: what was read past them is read again.
    for (const lane of lanes) lane.batches.clear();
    fetchedNext.clear();
    commits.forget(revoked);
  });

  const stopOnSignal = () => stop.abort();
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  /** Waits `ms`, or less when the runner stops; true if the full wait passed. */
  const pause = (ms: number) => sleep(ms, true, { signal: stop.signal }).catch(() => false as const);
  /** Wakes the loops that wait for records to arrive or for room to read more. */
  let waiting: (() => void)[] = [];
  const notifyChange = () => {
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  };
  stop.signal.addEventListener('abort', notifyChange);
  /** Waits `ms`, or less when something changes or the runner stops (at once when it has stopped). */
  const waitForChange = (ms: number) =>
    new Promise<void>((done) => {
      if (stop.signal.aborted) return done();
      const wake = () => {
        clearTimeout(timer);
        waiting = waiting.filter((other) => other !== wake);
        done();
      };
      const timer = setTimeout(wake, ms);
      waiting.push(wake);
    });

  let delivered = 0;
  /** The run's CPU from its first batch on: start-up (loading, connecting, joining) is left out. */
  // Set from a loop below, which the compiler does not follow: hence the assertion, not a narrowed null.
  let cpuSinceFirstBatch = null as (() => CpuSplit) | null;
  let lag = new Map<number, number>();
  let caughtUp = false;
  // With --until-drained, once every partition is read to the end offset the broker last reported,
  // nothing more is coming: the waiting records go at once instead of waiting out the trigger's
  // window (the Lambda mapping's is a minute), which would only add idle time to the end of the run.
  let offsets = new Map<number, PartitionProgress>();
  const readToEnd = () =>
    options.untilDrained &&
    offsets.size > 0 &&
    [...offsets].every(
      ([partition, { committed, end }]) => Math.max(committed, fetchedNext.get(partition) ?? 0) >= end,
    );

  const fetchLoop = async () => {
    while (!stop.signal.aborted) {
      // Read ahead by one batch at most, as the Azure extension's one-batch channel does: a batch
      // being retried holds what is behind it in the broker, not in memory. The instances share one
      // reader here, so one that is behind holds the others' reading too.
      if (lanes.some((lane) => lane.batches.full)) {
        await waitForChange(1_000);
        continue;
      }
      // Drained runs only: everything up to the end offsets is read, so a fetch would only hold the
      // broker's wait open while the last batches go; the progress loop looks for newer records.
      if (readToEnd()) {
        await waitForChange(PROGRESS_MS);
        continue;
      }
      try {
        const records = await reader.fetch();
        for (const record of records)
          fetchedNext.set(
            record.partition,
            Math.max(fetchedNext.get(record.partition) ?? 0, record.offset + 1),
          );
        addToLanes(records, Date.now());
        if (records.length > 0) notifyChange();
      } catch (error) {
        progress.note(`fetch failed, reading again in ${FETCH_RETRY_MS / 1000} s: ${describe(error)}`);
        await pause(FETCH_RETRY_MS);
      }
    }
  };

  const addToLanes = (records: readonly FetchedRecord[], now: number) => {
    const byLane = new Map<Lane, FetchedRecord[]>();
    for (const record of records) {
      const lane = laneOf(record.partition);
      const held = byLane.get(lane);
      if (held) held.push(record);
      else byLane.set(lane, [record]);
    }
    for (const [lane, held] of byLane) lane.batches.add(held, now);
  };

  const deliverLoop = async ({ batches, ingest }: Lane) => {
    while (!stop.signal.aborted) {
      const batch = batches.takeDue(readToEnd() ? Number.POSITIVE_INFINITY : Date.now());
      if (!batch) {
        const dueAt = batches.dueAt();
        await waitForChange(dueAt === null ? 250 : Math.min(PROGRESS_MS, Math.max(1, dueAt - Date.now())));
        continue;
      }
      notifyChange();
      cpuSinceFirstBatch ??= startCpuSplit(
        instances?.instances.length ?? 0,
        () => instances?.cpuSeconds() ?? 0,
      );
      const summary = await deliverBatch(
        batch,
        {
          invoke: () => ingest(batch),
          wait: pause,
          onFailure: (error, retry, delayMs) =>
            progress.note(
              `batch of ${batch.length} records failed (retry ${retry} in ${delayMs / 1000} s; its partitions wait): ${describe(error)}`,
            ),
        },
        options.retryBackoff ?? functions.backoff,
        commits,
        (error) => progress.note(`commit failed, it goes with the next batch: ${describe(error)}`),
      );
      if (summary === undefined) return;
      addSummary(totals, summary);
      delivered += batch.length;
      // Wakes the progress loop, which decides, once all is read, whether all is committed too.
      notifyChange();
    }
  };

  const sealLoop = async () => {
    while (await pause(SEAL_TIMER_MS)) {
      await functions.seal().then(
        (summary) => addSummary(totals, summary),
        (error: unknown) => progress.note(`seal timer failed, it runs again in 30 s: ${describe(error)}`),
      );
    }
  };

  const progressLoop = async () => {
    while (!stop.signal.aborted) {
      // A failed commit waits for the next batch; when none comes, it is sent again from here.
      if (commits.pending > 0) await commits.flush().catch(() => {});
      const partitions = await reader.progress().catch(() => null);
      if (partitions) {
        lag = lagOf(partitions);
        offsets = partitions;
        notifyChange();
        if (options.untilDrained && waitingRecords() === 0 && commits.pending === 0) {
          caughtUp = [...partitions.values()].every(({ committed, end }) => end === 0 || committed >= end);
          if (caughtUp) stop.abort();
        }
      }
      progress.update(delivered, lag);
      // A drained run waits for the last fetch and the last batches' commits: it looks again as each
      // lands rather than a second later.
      if (options.untilDrained) await waitForChange(PROGRESS_MS);
      else await pause(PROGRESS_MS);
    }
  };

  try {
    await Promise.all([fetchLoop(), ...lanes.map(deliverLoop), sealLoop(), progressLoop()]);
    await commits.flush().catch((error: unknown) => {
      progress.note(`the last commit failed; those records come again on the next run: ${describe(error)}`);
    });
    if (lostInstance !== null) throw lostInstance;
    if (caughtUp) {
      const drained = () =>
        ledgersDrained(context).catch((error: unknown) => {
          progress.note(`reading the ledgers failed, the seal timer runs again: ${describe(error)}`);
          return false;
        });
      for (let tick = 0; !(await drained()); tick += 1) {
        if (tick === DRAIN_TIMER_RUNS)
          throw new Error(
            `the seal timer left minutes open after ${DRAIN_TIMER_RUNS} runs; see the invocation log`,
          );
        clockAheadMs += (topic.sealDelaySeconds + 60) * 1000;
        await functions.seal().then(
          (summary) => addSummary(totals, summary),
          (error: unknown) => progress.note(`seal timer failed, it runs again: ${describe(error)}`),
        );
      }
    }
    progress.done(delivered, lag);
    if (cpuSinceFirstBatch) progress.note(cpuSplitLine(cpuSinceFirstBatch()));
    return totals;
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    await instances?.close();
    await reader.close();
  }
}

/**
 * The function instances of a run that asks for more than one, one per partition at most; null for
 * one instance in this thread.
 */
async function startInstances(
  options: KafkaSourceOptions,
  reader: KafkaReader,
  progress: KafkaProgress,
): Promise<FunctionInstances | null> {
  if (options.instances === undefined) return null;
  if (options.decoder !== undefined)
    throw new Error(
      'a decoder object cannot be sent to instance threads: pass either `decoder` or `instances`, not both',
    );
  // The topic's partitions; if the broker cannot say yet, as many instances as asked for.
  const partitions = (await reader.progress().catch(() => null))?.size ?? options.instances.count;
  const count = Math.min(options.instances.count, partitions);
  if (count <= 1) return null;
  progress.note(
    `${count} function instances, each in a thread of its own; partition p goes to instance p mod ${count}`,
  );
  return startFunctionInstances(count, {
    platform: options.platform,
    topic: options.topic,
    lake: options.instances.lake,
    brokers: options.brokers,
    logFile: options.logFile,
    ...(options.maxRecords === undefined ? {} : { maxRecords: options.maxRecords }),
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
  });
}

/** Records not yet committed, per partition. */
function lagOf(partitions: ReadonlyMap<number, PartitionProgress>): Map<number, number> {
  return new Map(
    [...partitions].map(([partition, { committed, end }]) => [
      partition,
      Math.max(0, end - Math.max(committed, 0)),
    ]),
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
