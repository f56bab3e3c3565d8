import { createIngestHandler } from '../functions/aws/ingestHandler.js';
import { observabilityFor } from '../functions/aws/observability.js';
import { createEventhubIngestHandler } from '../functions/azure/eventhubIngest.js';
import { createKafkaIngestHandler } from '../functions/azure/kafkaIngest.js';
import { createSealTimerHandler } from '../functions/azure/sealTimer.js';
import { COMPACTED_PREFIX } from '../shared/paths/lakePaths.js';
import type { CaptureContext } from '../shared/pipeline/context.js';
import { parseCommandArgs, runCommand, usageError } from './cli/command.js';
import { localTopic } from './cli/localTopic.js';
import { LAKE_KINDS, type LakeKind, openLake } from './emulators/openLake.js';
import { localLambdaContext } from './platforms/aws/lambdaContext.js';
import { localInvocation } from './platforms/azure/invocationContext.js';
import { awsCompactionFanOut, azureCompactionFanOut } from './platforms/compactionFanOut.js';
import { readEventHubsEventFile, readKafkaEventFile, readLambdaEventFile } from './platforms/eventFiles.js';

const FUNCTIONS = [
  'eventhub-ingest',
  'kafka-ingest',
  'aws-ingest',
  'seal',
  'compact',
  'aws-compact',
] as const;
type FunctionName = (typeof FUNCTIONS)[number];

const USAGE = `Usage: npm run invoke -- <function> [options]

Runs one function once, as the Functions host or Lambda would, and prints its log line.

  <function>          eventhub-ingest | kafka-ingest (Azure Functions), aws-ingest (Lambda, MSK or
                      self-managed Kafka), seal (the seal timer, for any store), compact (Parquet
                      for every closed hour, under compacted/: the Azure timer, then its queue
                      function once per partition group), aws-compact (the same with the Lambda
                      dispatcher and worker)
  --event <file>      the trigger's input (ingest functions): see samples/events/ for the shapes
  --store fs|azurite|s3  the lake in a folder, or in Azurite or the S3 emulator started for the
                      call (default fs)
  --dir <folder>      where the lake (or the emulator's data) is (default .lake)
  --now <ISO time>    the clock sealing uses (default: the real time)
  --config <file> --topic <name>   the topic (default: the embedded local topic)`;

const fail = (message: string): never => usageError(message, USAGE);

async function main(): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    {
      options: {
        event: { type: 'string' },
        store: { type: 'string', default: 'fs' },
        dir: { type: 'string', default: '.lake' },
        now: { type: 'string' },
        config: { type: 'string' },
        topic: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const name = positionals[0] as FunctionName | undefined;
  if (!name || !FUNCTIONS.includes(name) || positionals.length > 1) {
    fail(`name one function: ${FUNCTIONS.join(', ')}`);
  }
  const compaction = name === 'compact' || name === 'aws-compact';
  if (name !== 'seal' && !compaction && !values.event) fail(`${name} needs --event <file>`);
  if (!LAKE_KINDS.includes(values.store as LakeKind)) fail(`--store must be one of ${LAKE_KINDS.join(', ')}`);
  const fixedNow = values.now === undefined ? undefined : Date.parse(values.now);
  if (fixedNow !== undefined && Number.isNaN(fixedNow))
    fail(`--now must be an ISO time such as 2026-11-21T12:05:00Z`);

  const topic = localTopic(values.config, values.topic, name === 'eventhub-ingest' ? 'eventhub' : 'kafka');
  const lake = await openLake(values.store as LakeKind, { dir: values.dir, storage: topic.storage });
  const context: CaptureContext = { topic, store: lake.store, clock: () => fixedNow ?? Date.now() };
  const getContext = async () => context;
  try {
    if (name === 'eventhub-ingest') {
      const file = readEventHubsEventFile(values.event as string);
      const invocation = localInvocation(name, file.triggerMetadata as Record<string, unknown>, null);
      await createEventhubIngestHandler(getContext)(file.messages, invocation);
    } else if (name === 'kafka-ingest') {
      const file = readKafkaEventFile(values.event as string);
      await createKafkaIngestHandler(getContext)(file.events, localInvocation(name, {}, null));
    } else if (name === 'aws-ingest') {
      const event = readLambdaEventFile(values.event as string);
      await createIngestHandler(getContext, observabilityFor(topic.name))(event, localLambdaContext(name));
    } else if (compaction) {
      const compact =
        name === 'compact'
          ? azureCompactionFanOut(getContext, null)
          : awsCompactionFanOut(getContext, observabilityFor(topic.name));
      await compact();
      console.error(
        `compacted files: ${COMPACTED_PREFIX}/${topic.name}/date=…/hour=…/ (a Delta table: read it with Spark, delta-rs or DuckDB)`,
      );
    } else {
      await createSealTimerHandler(getContext)(null, localInvocation('seal-timer', {}, null));
    }
    console.error(`store: ${lake.where}`);
  } finally {
    await lake.close();
  }
}

runCommand('npm run invoke', main);
