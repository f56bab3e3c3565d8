import { createIngestHandler } from '../functions/aws/ingestHandler.js';
import { observabilityFor } from '../functions/aws/observability.js';
import { createEventhubIngestHandler } from '../functions/azure/eventhubIngest.js';
import { createKafkaIngestHandler } from '../functions/azure/kafkaIngest.js';
import { createSealTimerHandler } from '../functions/azure/sealTimer.js';
import { COMPACTED_PREFIX } from '../shared/paths/lakePaths.js';
import type { CaptureContext } from '../shared/pipeline/context.js';
import { parseCommandArgs, runCommand, usageError } from './cli/command.js';
import { repairLedger, resolvePositions } from './cli/ledgerOperations.js';
import { invokedTopic } from './cli/localTopic.js';
import { LAKE_KINDS, type LakeKind, openLake } from './emulators/openLake.js';
import { localLambdaContext } from './platforms/aws/lambdaContext.js';
import { localInvocation } from './platforms/azure/invocationContext.js';
import { awsCompactionFanOut, azureCompactionFanOut } from './platforms/compactionFanOut.js';
import {
  type KafkaEventFile,
  readEventHubsEventFile,
  readKafkaEventFile,
  readLambdaEventFile,
  topicNamedBy,
} from './platforms/eventFiles.js';
import { localIcebergTarget } from './platforms/localIcebergTarget.js';

const FUNCTIONS = [
  'eventhub-ingest',
  'kafka-ingest',
  'aws-ingest',
  'seal',
  'compact',
  'aws-compact',
  'repair-ledger',
  'resolve-positions',
] as const;
type FunctionName = (typeof FUNCTIONS)[number];

const USAGE = `Usage: npm run invoke -- <function> [options]

Runs one function once, as the Functions host or Lambda would, and prints its log line.

  <function>          eventhub-ingest | kafka-ingest (Azure Functions), aws-ingest (Lambda, MSK or
                      self-managed Kafka), seal (the seal timer, for any store), compact (Parquet
                      for every closed hour, under compacted/: the Azure timer, then its queue
                      function once per partition group), aws-compact (the same with the Lambda
                      dispatcher and worker)
  repair-ledger       rebuilds the lost ledger of --partition from what the lake holds (its staged
                      segments and its objects of the last --hours, default 48); --staged-through
                      <position> gives the last position where names and records carry none
  resolve-positions   answers a partition held because its positions went back (capture.positions-
                      ambiguous): --as restart (a recreated topic: capture them anew) or --as
                      redelivery (records captured before: skip them), for --partition
  --event <file>      the trigger's input (ingest functions): see samples/events/ for the shapes
  --store fs|azurite|s3  the lake in a folder, or in Azurite or the S3 emulator started for the
                      call (default fs)
  --dir <folder>      where the lake (or the emulator's data) is (default .lake)
  --now <ISO time>    the clock sealing uses (default: the real time)
  --config <file> --topic <name>   the topic: the file's (capture.config.yaml without --config), or
                      the embedded local settings under that name when the file lists none of it.
                      Default: the topic a Kafka event names, else the embedded local-events`;

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
        partition: { type: 'string' },
        as: { type: 'string' },
        hours: { type: 'string', default: '48' },
        'staged-through': { type: 'string' },
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
  const operation = name === 'repair-ledger' || name === 'resolve-positions';
  if (name !== 'seal' && !compaction && !operation && !values.event) fail(`${name} needs --event <file>`);
  if (operation && !/^\d+$/.test(values.partition ?? '')) fail(`${name} needs --partition <id>`);
  if (name === 'resolve-positions' && values.as !== 'restart' && values.as !== 'redelivery')
    fail('resolve-positions needs --as restart or --as redelivery');
  if (!LAKE_KINDS.includes(values.store as LakeKind)) fail(`--store must be one of ${LAKE_KINDS.join(', ')}`);
  const fixedNow = values.now === undefined ? undefined : Date.parse(values.now);
  if (fixedNow !== undefined && Number.isNaN(fixedNow))
    fail(`--now must be an ISO time such as 2026-11-21T12:05:00Z`);

  const event =
    name === 'kafka-ingest'
      ? readKafkaEventFile(values.event as string)
      : name === 'aws-ingest'
        ? readLambdaEventFile(values.event as string)
        : undefined;
  const topic = invokedTopic(
    values.config,
    values.topic ?? (event === undefined ? undefined : topicNamedBy(event)),
    name === 'eventhub-ingest' ? 'eventhub' : 'kafka',
  );
  const lake = await openLake(values.store as LakeKind, { dir: values.dir, storage: topic.storage });
  const context: CaptureContext = { topic, store: lake.store, clock: () => fixedNow ?? Date.now() };
  const getContext = async () => context;
  try {
    if (name === 'eventhub-ingest') {
      const file = readEventHubsEventFile(values.event as string);
      const invocation = localInvocation(name, file.triggerMetadata as Record<string, unknown>, null);
      await createEventhubIngestHandler(getContext)(file.messages, invocation);
    } else if (name === 'kafka-ingest') {
      const file = event as KafkaEventFile;
      await createKafkaIngestHandler(getContext)(
        file.events,
        localInvocation(name, file.triggerMetadata, null),
      );
    } else if (name === 'aws-ingest') {
      await createIngestHandler(getContext, observabilityFor(topic.name))(event, localLambdaContext(name));
    } else if (compaction) {
      const compact =
        name === 'compact'
          ? azureCompactionFanOut(getContext, null, localIcebergTarget(topic, lake))
          : awsCompactionFanOut(
              getContext,
              observabilityFor(topic.name),
              undefined,
              localIcebergTarget(topic, lake),
            );
      await compact();
      console.error(
        topic.compaction.table === 'iceberg'
          ? `compacted files: ${COMPACTED_PREFIX}/${topic.name}/date=…/hour=…/ (an Iceberg table, its current metadata named by ${COMPACTED_PREFIX}/${topic.name}/metadata/version-hint.text: read it with pyiceberg or Spark at ${lake.lakeLocation}${COMPACTED_PREFIX}/${topic.name})`
          : `compacted files: ${COMPACTED_PREFIX}/${topic.name}/date=…/hour=…/ (a Delta table: read it with Spark, delta-rs or DuckDB)`,
      );
    } else if (name === 'repair-ledger') {
      const hours = Number(values.hours);
      if (!Number.isInteger(hours) || hours <= 0) fail('--hours must be a positive whole number');
      const given = values['staged-through'];
      const stagedThrough = given === undefined ? undefined : Number(given);
      if (stagedThrough !== undefined && !Number.isSafeInteger(stagedThrough))
        fail('--staged-through must be a position, a whole number');
      console.log(
        await repairLedger(context, values.partition as string, {
          now: context.clock(),
          hours,
          stagedThrough,
        }),
      );
    } else if (name === 'resolve-positions') {
      console.log(
        await resolvePositions(context, values.partition as string, values.as as 'restart' | 'redelivery'),
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
