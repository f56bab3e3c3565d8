import { join } from 'node:path';
import { parseCommandArgs, runCommand, usageError } from './cli/command.js';
import { localTopic } from './cli/localTopic.js';
import { DEFAULT_CONSOLE_HOURS, serveConsole, untilInterrupted } from './console/serveConsole.js';
import { LAKE_KINDS, type LakeKind, openLake } from './emulators/openLake.js';

const USAGE = `Usage: npm run console -- [options]

Serves a read-only web page on this machine about one topic of a lake: partitions × minutes (sealed,
open, late, dead letters, empty), each object's first records, lag and records per invocation from
the local invocation log, dead letters by reason, and compaction (the Delta table's hours, schema
and watermarks). It reads through the same store interfaces as the functions and never writes.

  --store fs|azurite|s3  where the lake is, as for npm run local (default fs)
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
      dir: { type: 'string', default: '.lake' },
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
  if (!LAKE_KINDS.includes(values.store as LakeKind))
    usageError(`--store must be one of ${LAKE_KINDS.join(', ')}`, USAGE);
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
  const lake = await openLake(values.store as LakeKind, {
    dir: values.dir,
    storage: topic.storage,
    emulators: { azuriteConnectionString: values.azurite, s3Endpoint: values['s3-endpoint'] },
    readOnly: true,
  });
  try {
    const running = await serveConsole(
      {
        store: lake.store,
        topic,
        where: lake.where,
        logFile: join(values.dir, '_logs', 'invocations.jsonl'),
      },
      port,
      hours,
    );
    console.log('Ctrl-C stops it.');
    await untilInterrupted();
    await running.close();
  } finally {
    await lake.close();
  }
});
