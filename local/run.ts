import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AWS_INGEST, createIngestHandler } from '../functions/aws/ingestHandler.js';
import {
  AWS_SEAL_TIMER,
  createSealTimerHandler as createAwsSealTimerHandler,
} from '../functions/aws/sealTimerHandler.js';
import { createEventhubIngestHandler } from '../functions/azure/eventhubIngest.js';
import { createSealTimerHandler } from '../functions/azure/sealTimer.js';
import type { CaptureContext } from '../shared/pipeline/context.js';
import { addSummary, type CaptureSummary, emptySummary } from '../shared/pipeline/summary.js';
import { invocationLogRecord } from '../shared/telemetry.js';
import { parseCommandArgs, runCommand, usageError } from './cli.js';
import { eventHubsDelivery, type PartitionEvent } from './eventHubsDelivery.js';
import { createEventGenerator } from './generator.js';
import { localInvocation } from './invocations.js';
import { localLambdaContext } from './lambdaContext.js';
import { lambdaKafkaDelivery } from './lambdaKafkaDelivery.js';
import { openLocalStore, STORE_KINDS, type StoreKind } from './localStore.js';
import { localTopic } from './localTopic.js';
import { createProgress } from './progress.js';
import { quietObservability } from './quietObservability.js';
import { describeOutput } from './summaryReport.js';

const PLATFORMS = ['azure', 'aws'] as const;
type Platform = (typeof PLATFORMS)[number];

const USAGE = `Usage: npm run local -- [options]

Generates realistic JSON events over several partitions and runs them through the ingestion
function and the seal timer, exactly as the cloud would, into a local lake.

  --events <n>        events to generate (default 20000)
  --partitions <n>    partitions (default 4)
  --rate <n>          events per second of event time, all partitions together (default 500)
  --batch-size <n>    largest batch per delivery, like maxEventBatchSize (default 500)
  --platform azure|aws  the Azure Event Hubs function, or the Lambda function with MSK events
                      (default aws with --store s3, azure otherwise)
  --store fs|azurite|s3  the lake in a folder, in Azurite, or in the S3-compatible server, started
                      for the run (default fs)
  --dir <folder>      where the lake (or Azurite's data) goes (default .lake)
  --until-drained     keep the seal timer running until every record is in a sealed object
  --seed <n>          generator seed (default 1)
  --config <file> --topic <name>   take the topic from a config file instead of the embedded default`;

const { values } = parseCommandArgs(
  {
    options: {
      events: { type: 'string', default: '20000' },
      partitions: { type: 'string', default: '4' },
      rate: { type: 'string', default: '500' },
      'batch-size': { type: 'string', default: '500' },
      store: { type: 'string', default: 'fs' },
      platform: { type: 'string' },
      dir: { type: 'string', default: '.lake' },
      'until-drained': { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      config: { type: 'string' },
      topic: { type: 'string' },
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
  const totalEvents = positiveInteger('events', values.events);
  const partitions = positiveInteger('partitions', values.partitions);
  const rate = positiveInteger('rate', values.rate);
  const batchSize = positiveInteger('batch-size', values['batch-size']);
  const seed = positiveInteger('seed', values.seed);
  if (!STORE_KINDS.includes(values.store as StoreKind))
    fail(`--store must be one of ${STORE_KINDS.join(', ')}`);
  const platform = (values.platform ?? (values.store === 's3' ? 'aws' : 'azure')) as Platform;
  if (!PLATFORMS.includes(platform)) fail(`--platform must be one of ${PLATFORMS.join(', ')}`);
  const topic = localTopic(values.config, values.topic, platform === 'aws' ? 'kafka' : 'eventhub');
  const local = await openLocalStore(values.store as StoreKind, values.dir, topic);
  const logFile = `${values.dir}/_logs/invocations.jsonl`;
  mkdirSync(dirname(logFile), { recursive: true });

  // Event time runs on a timeline that ends now; the clock follows the newest delivered event, so a
  // run of any length shows minute objects being sealed without waiting for the wall clock.
  const spanMs = Math.ceil((totalEvents / rate) * 1000);
  const start = Date.now() - spanMs;
  let now = start;
  const context: CaptureContext = { topic, store: local.store, clock: () => now };
  const { deliver, seal } = platformFunctions(platform, context, logFile);
  const generate = createEventGenerator(seed);
  const totals = emptySummary();
  const progress = createProgress(totalEvents, totals, partitions);
  // What each partition has appended so far: sequence numbers count events, offsets count bytes.
  const logs = Array.from({ length: partitions }, () => ({ sequenceNumber: 0, offset: 0 }));
  let nextTimerAt = start + 30_000;

  try {
    for (let produced = 0; produced < totalEvents; ) {
      const wave = Math.min(totalEvents - produced, batchSize * partitions);
      const byPartition: PartitionEvent[][] = logs.map(() => []);
      for (let index = 0; index < wave; index++) {
        const time = start + Math.floor(((produced + index) * 1000) / rate);
        const event = generate(time);
        const partition = (produced + index) % partitions;
        const log = logs[partition] as { sequenceNumber: number; offset: number };
        byPartition[partition]?.push({
          sequenceNumber: log.sequenceNumber,
          offset: log.offset,
          enqueuedTimeMs: time,
          partitionKey: event.key,
          body: event.body,
          properties: event.properties,
        });
        log.sequenceNumber += 1;
        log.offset += event.body.length;
      }
      produced += wave;
      now = start + Math.floor((produced * 1000) / rate);
      for (const summary of await deliver(byPartition)) addSummary(totals, summary);
      if (now >= nextTimerAt) {
        addSummary(totals, await seal());
        nextTimerAt = now + 30_000;
      }
      progress.update(produced);
    }
    if (values['until-drained']) {
      // Time passes with no new events: the timer seals the last minutes, as it would on idle partitions.
      for (let tick = 0; !(await drained(context)); tick++) {
        if (tick === 5)
          throw new Error('the seal timer left minutes open after five runs; see the invocation log');
        now += (topic.sealDelaySeconds + 60) * 1000;
        addSummary(totals, await seal());
      }
    }
    progress.done();
    console.log(await describeOutput(local, topic, totals, logFile, values['until-drained']));
  } finally {
    await local.close();
  }
}

/**
 * How each platform delivers a wave of events: the Event Hubs trigger invokes once per partition; a
 * Kafka event source mapping invokes with records of several partitions. Log lines go to `logFile`.
 */
function platformFunctions(platform: Platform, context: CaptureContext, logFile: string) {
  const getContext = async () => context;
  if (platform === 'azure') {
    const ingest = createEventhubIngestHandler(getContext);
    const seal = createSealTimerHandler(getContext);
    const { topic } = context;
    return {
      deliver: (byPartition: PartitionEvent[][]) =>
        Promise.all(
          byPartition.map((events, partition) => {
            if (events.length === 0) return emptySummary();
            const delivery = eventHubsDelivery(
              {
                eventHubName: topic.name,
                consumerGroup: topic.consumerGroup,
                partitionId: String(partition),
              },
              events,
            );
            return ingest(
              delivery.messages,
              localInvocation('eventhub-ingest', delivery.triggerMetadata, logFile),
            );
          }),
        ),
      seal: () => seal(null, localInvocation('seal-timer', {}, logFile)),
    };
  }
  const observability = quietObservability(context.topic.name);
  const ingest = createIngestHandler(getContext, observability);
  const seal = createAwsSealTimerHandler(getContext, observability);
  const logged = async (name: string, call: () => Promise<CaptureSummary>) => {
    const started = performance.now();
    const summary = await call();
    const line = invocationLogRecord(name, context.topic.name, summary, performance.now() - started);
    appendFileSync(logFile, `${JSON.stringify(line)}\n`);
    return summary;
  };
  return {
    deliver: async (byPartition: PartitionEvent[][]) => [
      await logged(AWS_INGEST, () =>
        ingest(lambdaKafkaDelivery(context.topic.name, byPartition), localLambdaContext(AWS_INGEST)),
      ),
    ],
    seal: () => logged(AWS_SEAL_TIMER, () => seal({}, localLambdaContext(AWS_SEAL_TIMER))),
  };
}

/** True once every partition's ledger has nothing open and nothing waiting to be published. */
async function drained(context: CaptureContext): Promise<boolean> {
  const { ledger } = context.store;
  for (const partition of await ledger.partitions(context.topic.name)) {
    const { state } = await ledger.read(context.topic.name, partition);
    if (state.open.length > 0 || state.pending.length > 0) return false;
  }
  return true;
}

runCommand('npm run local', main);
