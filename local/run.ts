import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { addCompactionSummary, emptyCompactionSummary } from '../shared/compaction/compactionSummary.js';
import type { TopicConfig } from '../shared/config/schema.js';
import type { CaptureContext } from '../shared/pipeline/context.js';
import { addSummary, emptySummary } from '../shared/pipeline/summary.js';
import { ledgersDrained } from './audit/ledgersDrained.js';
import { parseCommandArgs, runCommand, usageError } from './cli/command.js';
import { localTopic } from './cli/localTopic.js';
import { createProgress } from './cli/progress.js';
import { describeCompaction, describeOutput } from './cli/summaryReport.js';
import { serveConsole, untilInterrupted } from './console/serveConsole.js';
import { LAKE_KINDS, type LakeKind, openLake } from './emulators/openLake.js';
import { PLATFORMS, type Platform } from './platforms/kafka/triggerFunctions.js';
import { localIcebergTarget } from './platforms/localIcebergTarget.js';
import { platformFunctions } from './platforms/platformFunctions.js';
import { generatedWaves } from './sources/generatedWaves.js';
import { produceGeneratedEvents } from './sources/kafka/producer.js';
import { groupProgress } from './sources/kafka/reader.js';
import { localKafkaTopic, runKafkaSource } from './sources/kafka/source.js';

const USAGE = `Usage: npm run local -- [options]

Generates realistic JSON events over several partitions (or reads them from a Kafka topic) and runs
them through the ingestion function and the seal timer, exactly as the cloud would, into a local lake.

  --events <n>        events to generate (default 20000)
  --partitions <n>    partitions (default 4)
  --rate <n>          events per second of event time, all partitions together (default 500)
  --batch-size <n>    largest batch per delivery, like maxEventBatchSize (default 500)
  --platform azure|aws  the Azure Event Hubs function, or the Lambda function with MSK events
                      (default aws with --store s3, azure otherwise)
  --store fs|azurite|s3  the lake in a folder, in Azurite, or in the S3-compatible server, started
                      for the run (default fs)
  --dir <folder>      where the lake (or Azurite's data) goes (default .lake)
  --azurite <connection string>, --s3-endpoint <url>
                      use an emulator already running instead of starting one
  --until-drained     keep the seal timer running until every record is in a sealed object
  --seed <n>          generator seed (default 1)
  --config <file> --topic <name>   take the topic from a config file instead of the embedded default
  --format jsonl|avro-capture|raw  the embedded topic's format (default jsonl; avro-capture is
                      Event Hubs Capture's Avro, deflated)
  --layout capture|hive|kafka-connect|<template>  the embedded topic's object names (default
                      {topic}/{yyyy}/{MM}/{dd}/{HH}/{mm}; capture uses the namespace "local")
  --console           serve the lake console (npm run console) on 127.0.0.1 while the run goes, and
                      after it until Ctrl-C; --console-port <n> (default 8020, 0 for any free one)

From a Kafka topic, as the Azure Kafka trigger or the Lambda event source mapping reads it:
  --source kafka      read --topic with the topic's consumer group (capture-local without --config),
                      committing offsets after each batch the function accepts; runs until Ctrl-C.
                      The group continues where its last run stopped, whatever --dir says
  --group <id>        another consumer group (it starts at the earliest offset the topic holds)
  --from-beginning    read the topic from its earliest offset, with a consumer group of this run's own
  --brokers <h:p,...> bootstrap brokers (npm run kafka:start prints one)
  --topic <name>      the Kafka topic; with --config, also the config topic to capture it with
  --batch-size <n>    largest batch (default: host.json's maxBatchSize on Azure, the topic's
                      aws.batchSize or Lambda's 100 on AWS)
  --max-wait-ms <n>   longest a record waits for its batch to fill (default: host.json's
                      subscriberIntervalInSeconds on Azure, aws.maxBatchingWindowSeconds or 500 ms on AWS)
  --instances <n>     function instances working the partitions side by side, each in a thread of
                      its own, as the cloud scales out to one per partition (default: one per core,
                      at most one per partition)
  --until-drained     stop once every record of the topic is committed and sealed
  --retry-wait-ms <first>,<longest>   waits between attempts at a failed batch, doubling (default:
                      the platform's: Azure's retry policy 5 s to 5 min)
  --platform, --store, --dir, --config   as above

Filling a Kafka topic with generated events:
  --produce <n> --brokers <h:p,...> --topic <name>   creates the topic with --partitions when missing;
                      --rate and --seed as above`;

const { values } = parseCommandArgs(
  {
    options: {
      events: { type: 'string', default: '20000' },
      partitions: { type: 'string', default: '4' },
      rate: { type: 'string', default: '500' },
      'batch-size': { type: 'string' },
      'max-wait-ms': { type: 'string' },
      'retry-wait-ms': { type: 'string' },
      instances: { type: 'string' },
      source: { type: 'string', default: 'generator' },
      brokers: { type: 'string' },
      produce: { type: 'string' },
      store: { type: 'string', default: 'fs' },
      platform: { type: 'string' },
      dir: { type: 'string', default: '.lake' },
      azurite: { type: 'string' },
      's3-endpoint': { type: 'string' },
      'until-drained': { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      config: { type: 'string' },
      topic: { type: 'string' },
      group: { type: 'string' },
      'from-beginning': { type: 'boolean', default: false },
      format: { type: 'string' },
      layout: { type: 'string' },
      console: { type: 'boolean', default: false },
      'console-port': { type: 'string', default: '8020' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  },
  USAGE,
);

function positiveInteger(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0)
    fail(`--${name} must be a positive whole number, got "${value}"`);
  return number;
}

const fail = (message: string): never => usageError(message, USAGE);

async function main(): Promise<void> {
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.console && (values.produce !== undefined || values.source !== 'generator'))
    fail('--console serves generated runs so far: beside a Kafka run, start npm run console on its --dir');
  if (values.instances !== undefined && (values.produce !== undefined || values.source !== 'kafka'))
    fail('--instances is for --source kafka: generated runs deliver their partitions in turn');
  if (values.produce !== undefined) return produceToKafka();
  if (values.source === 'kafka') return captureFromKafka();
  if (values.source !== 'generator') fail('--source must be generator or kafka');
  const totalEvents = positiveInteger('events', values.events);
  const partitions = positiveInteger('partitions', values.partitions);
  const rate = positiveInteger('rate', values.rate);
  const batchSize = positiveInteger('batch-size', values['batch-size'] ?? '500');
  const seed = positiveInteger('seed', values.seed);
  const { platform, store } = platformAndStore();
  const topic = localTopic(values.config, values.topic, platform === 'aws' ? 'kafka' : 'eventhub', {
    format: values.format,
    layout: values.layout,
  });
  const lake = await openLake(store, {
    dir: values.dir,
    storage: topic.storage,
    emulators: runningEmulators(),
  });
  const logFile = invocationLogFile();
  const lakeConsole = values.console
    ? await serveConsole({ store: lake.direct, topic, where: lake.where, logFile }, consolePort())
    : null;

  // Event time runs on a timeline that ends now; the clock follows the newest delivered event, so a
  // run of any length shows minute objects being sealed without waiting for the wall clock.
  const spanMs = Math.ceil((totalEvents / rate) * 1000);
  const start = Date.now() - spanMs;
  let now = start;
  const context: CaptureContext = { topic, store: lake.store, clock: () => now };
  const { deliver, seal, compact } = platformFunctions(
    platform,
    context,
    logFile,
    localIcebergTarget(topic, lake),
  );
  const totals = emptySummary();
  const progress = createProgress(totalEvents, totals, partitions);
  let nextTimerAt = start + 30_000;
  let nextCompactionAt = nextCompactionAfter(start);
  const compaction = emptyCompactionSummary();
  const compactOnSchedule = async () => {
    addCompactionSummary(compaction, await compact());
    nextCompactionAt = nextCompactionAfter(now);
  };

  try {
    for (const { byPartition, produced, eventTimeMs } of generatedWaves({
      totalEvents,
      partitions,
      rate,
      batchSize,
      seed,
      startMs: start,
    })) {
      now = eventTimeMs;
      for (const summary of await deliver(byPartition)) addSummary(totals, summary);
      if (now >= nextTimerAt) {
        addSummary(totals, await seal());
        nextTimerAt = now + 30_000;
      }
      if (now >= nextCompactionAt) await compactOnSchedule();
      progress.update(produced);
    }
    if (values['until-drained']) {
      // Time passes with no new events: the timer seals the last minutes, as it would on idle partitions.
      for (let tick = 0; !(await ledgersDrained(context)); tick++) {
        if (tick === 5)
          throw new Error('the seal timer left minutes open after five runs; see the invocation log');
        now += (topic.sealDelaySeconds + 60) * 1000;
        addSummary(totals, await seal());
      }
      // The schedule's next run, for the hours this run's sealing closed.
      if (now >= nextCompactionAt) await compactOnSchedule();
    }
    progress.done();
    console.log(await describeOutput(lake, topic, totals, logFile, values['until-drained']));
    console.log(
      describeCompaction(
        compaction,
        hoursClosedAt(now, topic.sealDelaySeconds),
        invokeLakeArguments(),
        topic.compaction.table,
      ),
    );
    if (lakeConsole) {
      console.log(`The console stays at ${lakeConsole.url} with the finished run; Ctrl-C stops it.`);
      await untilInterrupted();
    }
  } finally {
    await lakeConsole?.close();
    await lake.close();
  }
}

/** The compaction timers run at minute 10 of every hour; the first such moment after `time`. */
/**
 * The options that give `npm run invoke` this run's lake and topic; null for an embedded topic of
 * another format or layout, which `invoke` has no options for.
 */
function invokeLakeArguments(): string[] | null {
  if (values.format !== undefined || values.layout !== undefined) return null;
  return [
    ...(values.store === 'fs' ? [] : ['--store', values.store as string]),
    ...(values.dir === '.lake' ? [] : ['--dir', values.dir as string]),
    ...(values.config === undefined ? [] : ['--config', values.config]),
    ...(values.topic === undefined ? [] : ['--topic', values.topic]),
  ];
}

/** When the hour of `time` is closed (its last minute sealed), on the schedule's minute 10 or after. */
function hoursClosedAt(time: number, sealDelaySeconds: number): number {
  const hour = 3_600_000;
  return Math.floor(time / hour) * hour + hour + Math.max(10 * 60_000, (sealDelaySeconds + 60) * 1000);
}

function nextCompactionAfter(time: number): number {
  const hour = 3_600_000;
  const atTen = Math.floor(time / hour) * hour + 10 * 60_000;
  return atTen > time ? atTen : atTen + hour;
}

function platformAndStore(): { platform: Platform; store: LakeKind } {
  if (!LAKE_KINDS.includes(values.store as LakeKind)) fail(`--store must be one of ${LAKE_KINDS.join(', ')}`);
  const platform = (values.platform ?? (values.store === 's3' ? 'aws' : 'azure')) as Platform;
  if (!PLATFORMS.includes(platform)) fail(`--platform must be one of ${PLATFORMS.join(', ')}`);
  return { platform, store: values.store as LakeKind };
}

/** `--retry-wait-ms 500,5000`: the first wait and the longest. */
function retryWaits(value: string): { firstDelayMs: number; maxDelayMs: number } {
  const [first, longest] = value.split(',');
  const firstDelayMs = positiveInteger('retry-wait-ms', first);
  const maxDelayMs = positiveInteger('retry-wait-ms', longest);
  if (maxDelayMs < firstDelayMs) fail('--retry-wait-ms takes the first wait, then the longest: 500,5000');
  return { firstDelayMs, maxDelayMs };
}

function consolePort(): number {
  const port = Number(values['console-port']);
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) fail('--console-port must be a port number');
  return port;
}

/** Emulators named on the command line, to use instead of starting one. */
function runningEmulators() {
  return { azuriteConnectionString: values.azurite, s3Endpoint: values['s3-endpoint'] };
}

function invocationLogFile(): string {
  const logFile = `${values.dir}/_logs/invocations.jsonl`;
  mkdirSync(dirname(logFile), { recursive: true });
  return logFile;
}

function kafkaBrokers(): string[] {
  const brokers = (values.brokers ?? '').split(',').filter((broker) => broker !== '');
  if (brokers.length === 0 || !brokers.every((broker) => /^[^:\s]+:\d{1,5}$/.test(broker)))
    fail('name the Kafka brokers with --brokers host:port[,host:port...] (npm run kafka:start prints one)');
  return brokers;
}

function kafkaTopicName(): string {
  if (!values.topic) fail('name the Kafka topic with --topic <name>');
  return values.topic as string;
}

async function captureFromKafka(): Promise<void> {
  const brokers = kafkaBrokers();
  const topic = withConsumerGroup(localKafkaTopic(values.config, kafkaTopicName()));
  const { platform, store } = platformAndStore();
  const lake = await openLake(store, {
    dir: values.dir,
    storage: topic.storage,
    emulators: runningEmulators(),
  });
  const logFile = invocationLogFile();
  try {
    const totals = await runKafkaSource({
      brokers,
      platform,
      topic,
      store: lake.store,
      logFile,
      maxRecords:
        values['batch-size'] === undefined ? undefined : positiveInteger('batch-size', values['batch-size']),
      maxWaitMs:
        values['max-wait-ms'] === undefined
          ? undefined
          : positiveInteger('max-wait-ms', values['max-wait-ms']),
      untilDrained: values['until-drained'],
      instances: {
        count:
          values.instances === undefined
            ? availableParallelism()
            : positiveInteger('instances', values.instances),
        lake: lake.recipe,
      },
      ...(values['retry-wait-ms'] === undefined ? {} : { retryBackoff: retryWaits(values['retry-wait-ms']) }),
    });
    console.log(await describeOutput(lake, topic, totals, logFile, values['until-drained']));
    if (totals.records === 0) console.log(await whyNothingWasRead(brokers, topic));
  } finally {
    await lake.close();
  }
}

/** `--group` or `--from-beginning` (a group of this run's own, so it starts at the earliest offset). */
function withConsumerGroup(topic: TopicConfig): TopicConfig {
  if (values.group !== undefined && values['from-beginning'])
    fail('--group and --from-beginning exclude each other: a new group starts at the beginning anyway');
  if (values['from-beginning']) return { ...topic, consumerGroup: `${topic.consumerGroup}-${Date.now()}` };
  return values.group === undefined ? topic : { ...topic, consumerGroup: values.group };
}

/** A run that read nothing says why: usually the group had committed everything in an earlier run. */
async function whyNothingWasRead(brokers: readonly string[], topic: TopicConfig): Promise<string> {
  const positions = [
    ...(await groupProgress({ brokers, topic: topic.name, groupId: topic.consumerGroup })).values(),
  ];
  const held = positions.reduce((sum, { end }) => sum + end, 0);
  if (held === 0) return `Nothing was read: topic "${topic.name}" holds no records yet.`;
  const behind = positions.filter(({ committed, end }) => committed < end).length;
  if (behind > 0)
    return `Nothing was read although ${behind} partitions have records past the group's offsets: add --until-drained to wait for them.`;
  return [
    `Nothing was read: consumer group "${topic.consumerGroup}" had already committed every offset of "${topic.name}"`,
    '(an earlier run read them, into whichever --dir it was given). To capture the topic again into this lake,',
    'add --from-beginning (a new group of its own), or name another group with --group <id>.',
  ].join('\n');
}

async function produceToKafka(): Promise<void> {
  const brokers = kafkaBrokers();
  const topic = kafkaTopicName();
  const events = positiveInteger('produce', values.produce);
  const result = await produceGeneratedEvents({
    brokers,
    topic,
    events,
    partitions: positiveInteger('partitions', values.partitions),
    rate: positiveInteger('rate', values.rate),
    seed: positiveInteger('seed', values.seed),
  });
  console.log(
    [
      `Produced ${events} events to topic "${topic}" on ${brokers.join(',')} (${result.partitions} partitions${result.created ? ', topic created' : ''})`,
      `Capture them: npm run local -- --source kafka --brokers ${brokers.join(',')} --topic ${topic} --until-drained`,
    ].join('\n'),
  );
}

runCommand('npm run local', main);
