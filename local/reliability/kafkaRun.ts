import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, ListOffsetTimestamps } from '@platformatic/kafka';
import { ensureKafkaInstalled, startKafkaBroker } from '../emulators/kafkaBroker.js';
import { openLake } from '../emulators/openLake.js';
import { createFaultPlan } from '../faults/faultProxy.js';
import type { RetryBackoff } from '../platforms/kafka/delivery.js';
import { produceGeneratedEvents } from '../sources/kafka/producer.js';
import { localKafkaTopic, runKafkaSource } from '../sources/kafka/source.js';
import { auditDrainedLake } from './drainedLakeAudit.js';
import type { ReliabilityOptions, ReliabilityReport } from './run.js';

export interface KafkaReliabilityOptions extends ReliabilityOptions {
  /** A running broker (`host:port`) to use instead of starting one for the run (the tests share theirs). */
  readonly kafkaBootstrap?: string;
}

/** Events per second of event time, as the generator run produces them. */
const RATE = 500;
/**
 * The waits between attempts at a failed batch. The platforms wait seconds to minutes (Azure's retry
 * policy starts at 5 s), which paces a real outage but checks nothing more; a run that fails batches
 * on purpose would spend most of its time waiting.
 */
const QUICK_RETRY: RetryBackoff = { firstDelayMs: 50, maxDelayMs: 1_000 };

/**
 * Produces generated events into a fresh topic of a real broker, then runs the local Kafka runner
 * (the code of `npm run local -- --source kafka`) until the topic is drained: the Azure Kafka
 * trigger's events into Azurite, the MSK event source mapping's into the S3 emulator, every storage
 * request through the fault proxy. Failed batches are retried as the trigger would, offsets committed
 * only after success. The lake is then read back independently: every (partition, offset) the broker
 * holds must be there exactly once. Last, the drained lake is compacted through the same proxies.
 */
export async function runKafkaReliability(options: KafkaReliabilityOptions): Promise<ReliabilityReport> {
  const began = Date.now();
  const folder = await mkdtemp(join(tmpdir(), 'capture-reliability-kafka-'));
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let bootstrap = options.kafkaBootstrap;
    if (bootstrap === undefined) {
      const broker = await startReliabilityBroker();
      cleanups.push(() => broker.stop());
      bootstrap = broker.bootstrap;
    }
    const name = `reliability-${options.store}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
    const produced = await produceGeneratedEvents({
      brokers: [bootstrap],
      topic: name,
      events: options.events,
      partitions: options.partitions,
      rate: RATE,
      seed: options.seed,
    });
    if (!produced.created) throw new Error(`topic ${name} existed before the run; run it again`);
    const expected = await offsetsInTopic(bootstrap, name);

    const plan = createFaultPlan({ rate: options.faultRate, seed: options.seed });
    const lake = await openLake(options.store, { emulators: options.emulators, faults: plan });
    cleanups.push(() => lake.close());
    const topic = { ...localKafkaTopic(undefined, name), storage: lake.storage };
    const platform = options.store === 'azurite' ? 'azure' : 'aws';
    // Invocation logs are the count of invocations here; they go to the scratch folder with the downloads.
    await mkdir(join(folder, '_logs'));
    const logFile = join(folder, '_logs', 'invocations.jsonl');
    await runKafkaSource({
      brokers: [bootstrap],
      platform,
      topic,
      store: lake.store,
      logFile,
      maxRecords: options.batchSize ?? 100,
      untilDrained: true,
      retryBackoff: QUICK_RETRY,
      // As npm run local runs a topic: partitions over two instances, whose requests meet the same faults.
      instances: { count: 2, lake: lake.recipe },
    });
    const { invocations, failed } = await invocationsLogged(logFile);
    const drained = await auditDrainedLake({
      platform,
      topic,
      lake,
      plan,
      expected,
      // The produced timeline ends when producing ended, before now.
      lastEventMs: Date.now(),
      folder,
    });
    return {
      store: options.store,
      source: 'kafka',
      platform,
      recordsIn: expected.size,
      invocations,
      invocationsRetried: failed,
      ...drained,
      durationMs: Date.now() - began,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * A one-node broker for a command's Kafka runs, in a scratch folder removed when it stops. One
 * broker serves every store: starting one is a JVM's start, seconds each time.
 */
export async function startReliabilityBroker(): Promise<{ bootstrap: string; stop(): Promise<void> }> {
  await ensureKafkaInstalled();
  const dataDir = await mkdtemp(join(tmpdir(), 'capture-reliability-broker-'));
  try {
    const broker = await startKafkaBroker({ dataDir });
    return {
      bootstrap: broker.bootstrap,
      stop: async () => {
        await broker.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Every `<partition>/<offset>` the broker holds for a topic created empty, as the audits name them. */
export async function offsetsInTopic(bootstrap: string, topic: string): Promise<Set<string>> {
  const admin = new Admin({ clientId: 'capture-reliability', bootstrapBrokers: [bootstrap] });
  try {
    const metadata = await admin.metadata({ topics: [topic] });
    const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
    const [listed] = await admin.listOffsets({
      topics: [
        {
          name: topic,
          partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
            partitionIndex,
            timestamp: ListOffsetTimestamps.LATEST,
          })),
        },
      ],
    });
    const offsets = new Set<string>();
    for (const { partitionIndex, offset } of listed?.partitions ?? [])
      for (let next = 0; next < Number(offset); next++) offsets.add(`${partitionIndex}/${next}`);
    return offsets;
  } finally {
    await admin.close();
  }
}

/**
 * Invocations of the ingestion function and the seal timer, as their log lines tell: both platforms'
 * functions write exactly one line per invocation, a `capture.failure` line when it failed.
 */
async function invocationsLogged(logFile: string): Promise<{ invocations: number; failed: number }> {
  const lines = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  const failed = lines.filter((line) => (JSON.parse(line) as { event?: string }).event === 'capture.failure');
  return { invocations: lines.length, failed: failed.length };
}
