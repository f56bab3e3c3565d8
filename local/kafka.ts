import { parseCommandArgs, runCommand, usageError } from './cli/command.js';
import { runInForeground, startInBackground, stopInBackground } from './emulators/backgroundBrokers.js';
import { DEFAULT_DATA_DIR, ensureKafkaInstalled, KAFKA_VERSION } from './emulators/kafkaBroker.js';

const USAGE = `Usage: npm run kafka:<install|start|stop> -- [options]   (tsx local/kafka.ts <command> [options])

  install                 fetch Kafka ${KAFKA_VERSION} from Maven Central into .tools/kafka/
  start [--port <n>] [--dir <folder>] [--foreground]
                          start a one-node broker on 127.0.0.1 (default port 9092, data in ${DEFAULT_DATA_DIR}),
                          in the background unless --foreground; prints its bootstrap address
  stop [--dir <folder>]   stop the background broker of that data folder, or every one this checkout started`;

runCommand('kafka', async () => {
  const { values, positionals } = parseCommandArgs(
    {
      options: {
        port: { type: 'string', default: '9092' },
        dir: { type: 'string' },
        foreground: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    },
    USAGE,
  );
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) usageError('--port must be a TCP port', USAGE);
  const [command] = positionals;
  const dataDir = values.dir ?? DEFAULT_DATA_DIR;
  if (command === 'install') await ensureKafkaInstalled();
  else if (command === 'start' && values.foreground) await runInForeground(dataDir, port);
  else if (command === 'start') await startInBackground(dataDir, port);
  else if (command === 'stop') await stopInBackground(values.dir);
  else usageError(command === undefined ? 'no command given' : `unknown command ${command}`, USAGE);
});
