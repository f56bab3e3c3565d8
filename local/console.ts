import { join } from 'node:path';
import { parseCommandArgs, runCommand, usageError } from './cli/command.js';
import { localTopic } from './cli/localTopic.js';
import { DEPLOYED_LAKE_KINDS, type DeployedLakeKind, openDeployedLake } from './console/deployedLake.js';
import {
  type ConsoleLake,
  DEFAULT_CONSOLE_HOURS,
  serveConsole,
  untilInterrupted,
} from './console/serveConsole.js';
import { LAKE_KINDS, type LakeKind, openLake } from './emulators/openLake.js';

const USAGE = `Usage: npm run console -- [options]

Serves a read-only web page on this machine about one topic of a lake, local or deployed:
partitions × minutes (sealed, open, late, dead letters, empty), each object's first records, each
partition's lag from its ledger, lag and records per invocation from the local invocation log, dead
letters by reason, and compaction (the Delta or Iceberg table's hours, schema and watermarks). It
reads through the same store interfaces as the functions and never writes.

  --store fs|azurite|s3  where the lake is, as for npm run local (default fs)
  --store azure       a deployed lake on Azure: the topic's storage settings, resolved as the
                      Function App does (the connection string in the app setting the topic's
                      storage.connection names, or its __blobServiceUri and __tableServiceUri with
                      DefaultAzureCredential), taken from this shell's environment
  --account <name>    with --store azure: that storage account of Azure's public cloud
                      (<name>.blob.core.windows.net), with DefaultAzureCredential (az login)
  --store aws         a deployed lake on AWS, with the AWS SDK's default credential chain
                      (AWS_PROFILE, SSO, keys; AWS_REGION)
  --bucket <name>     with --store aws: the topic's bucket (the stack output BucketName; else CAPTURE_BUCKET)
  --ledger-table <name>
                      with --store aws: the topic's ledger table (the stack output LedgerTableName;
                      else CAPTURE_LEDGER_TABLE)
  --dir <folder>      the lake's folder (Azurite's data in <dir>/azurite, the S3 bucket saved in
                      <dir>/s3/<bucket>), and its _logs/invocations.jsonl (default .lake)
  --azurite <connection string>, --s3-endpoint <url>
                      an emulator already running, instead of starting one on <dir>
  --config <file> --topic <name>   the topic, from a config file (default: npm run local's embedded topic)
  --format, --layout  the embedded topic's format and layout, as given to npm run local
  --hours <n>         hours back from the lake's newest minute the grid shows (default 3)
  --port <n>          the port on 127.0.0.1 (default 8020; 0 for any free one)`;

const { values } = parseCommandArgs(
  {
    options: {
      store: { type: 'string', default: 'fs' },
      account: { type: 'string' },
      bucket: { type: 'string' },
      'ledger-table': { type: 'string' },
      dir: { type: 'string' },
      azurite: { type: 'string' },
      's3-endpoint': { type: 'string' },
      config: { type: 'string' },
      topic: { type: 'string' },
      format: { type: 'string' },
      layout: { type: 'string' },
      hours: { type: 'string', default: String(DEFAULT_CONSOLE_HOURS) },
      port: { type: 'string', default: '8020' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  },
  USAGE,
);

runCommand('npm run console', async () => {
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const kinds = [...LAKE_KINDS, ...DEPLOYED_LAKE_KINDS];
  if (!kinds.includes(values.store as LakeKind | DeployedLakeKind))
    usageError(`--store must be one of ${kinds.join(', ')}`, USAGE);
  if (values.account !== undefined && values.store !== 'azure')
    usageError('--account goes with --store azure', USAGE);
  if (values.bucket !== undefined && values.store !== 'aws')
    usageError('--bucket goes with --store aws', USAGE);
  if (values['ledger-table'] !== undefined && values.store !== 'aws')
    usageError('--ledger-table goes with --store aws', USAGE);
  const deployed = DEPLOYED_LAKE_KINDS.includes(values.store as DeployedLakeKind);
  const localOnly = (['dir', 'azurite', 's3-endpoint'] as const).filter((name) => values[name] !== undefined);
  if (deployed && localOnly.length > 0)
    usageError(`--${localOnly[0]} names a local lake; --store ${values.store} reads a deployed one`, USAGE);
  const dir = values.dir ?? '.lake';
  const hours = Number(values.hours);
  if (!Number.isSafeInteger(hours) || hours <= 0)
    usageError('--hours must be a positive whole number', USAGE);
  const port = Number(values.port);
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535)
    usageError('--port must be a port number', USAGE);
  const topic = localTopic(values.config, values.topic, undefined, {
    format: values.format,
    layout: values.layout,
  });
  if (deployed) {
    const lake = await openDeployedLake(
      values.store as DeployedLakeKind,
      topic,
      { account: values.account, bucket: values.bucket, ledgerTable: values['ledger-table'] },
      process.env,
    );
    await serveUntilInterrupted({ ...lake, topic, logFile: null }, port, hours);
    return;
  }
  const lake = await openLake(values.store as LakeKind, {
    dir,
    storage: topic.storage,
    emulators: { azuriteConnectionString: values.azurite, s3Endpoint: values['s3-endpoint'] },
    readOnly: true,
  });
  try {
    await serveUntilInterrupted(
      {
        store: lake.store,
        topic,
        where: lake.where,
        logFile: join(dir, '_logs', 'invocations.jsonl'),
      },
      port,
      hours,
    );
  } finally {
    await lake.close();
  }
});

async function serveUntilInterrupted(lake: ConsoleLake, port: number, hours: number): Promise<void> {
  const running = await serveConsole(lake, port, hours);
  console.log('Ctrl-C stops it.');
  await untilInterrupted();
  await running.close();
}
