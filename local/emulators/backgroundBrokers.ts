import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  KAFKA_VERSION,
  type RunningKafkaBroker,
  STOP_GRACE_MS,
  startDetachedKafkaBroker,
  startKafkaBroker,
} from './kafkaBroker.js';

/**
 * Brokers that `npm run kafka:start` left running in the background, one file each in this folder of
 * the checkout, so that `npm run kafka:stop` finds them whatever `--dir` they were started with.
 */
const REGISTRY = fileURLToPath(new URL('../../.local/kafka-brokers/', import.meta.url));

interface RegisteredBroker {
  readonly pid: number;
  readonly bootstrap: string;
  readonly dataDir: string;
}

const entryOf = (dataDir: string) =>
  join(REGISTRY, createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every registered broker still alive; entries of brokers that died are dropped. */
async function runningBrokers(): Promise<RegisteredBroker[]> {
  const names = await readdir(REGISTRY).catch(() => []);
  const brokers: RegisteredBroker[] = [];
  for (const name of names) {
    const text = await readFile(join(REGISTRY, name), 'utf8').catch(() => null);
    const broker = text === null ? null : (JSON.parse(text) as RegisteredBroker);
    if (broker && isAlive(broker.pid)) brokers.push(broker);
    else await rm(join(REGISTRY, name), { force: true });
  }
  return brokers;
}

/** Starts a broker in the background for a developer's session, unless one runs for that folder. */
export async function startInBackground(dataDir: string, port: number): Promise<void> {
  const folder = resolve(dataDir);
  const running = (await runningBrokers()).find((broker) => broker.dataDir === folder);
  if (running) {
    console.log(`Kafka is already running on ${running.bootstrap} (pid ${running.pid}) for ${folder}`);
    return;
  }
  const broker = await startDetachedKafkaBroker({ dataDir: folder, port });
  await mkdir(REGISTRY, { recursive: true });
  const entry: RegisteredBroker = { pid: broker.pid, bootstrap: broker.bootstrap, dataDir: folder };
  await writeFile(entryOf(folder), `${JSON.stringify(entry)}\n`);
  console.log(
    [
      `Kafka ${KAFKA_VERSION} is running on ${broker.bootstrap} (pid ${broker.pid})`,
      `  data: ${folder}`,
      `  log: ${broker.logFile}`,
      '  stop it with: npm run kafka:stop',
    ].join('\n'),
  );
}

/** Runs a broker until Ctrl-C. */
export async function runInForeground(dataDir: string, port: number): Promise<void> {
  const broker: RunningKafkaBroker = await startKafkaBroker({ dataDir, port });
  console.log(
    `Kafka ${KAFKA_VERSION} is running on ${broker.bootstrap}; Ctrl-C stops it (log: ${broker.logFile})`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await broker.stop();
}

/** Stops the background broker of `dataDir`, or, without one, every background broker of this checkout. */
export async function stopInBackground(dataDir: string | undefined): Promise<void> {
  const running = await runningBrokers();
  const folder = dataDir === undefined ? undefined : resolve(dataDir);
  const chosen = folder === undefined ? running : running.filter((broker) => broker.dataDir === folder);
  if (chosen.length === 0) {
    const others = running.map((broker) => `${broker.dataDir} (${broker.bootstrap})`).join(', ');
    console.log(
      folder === undefined
        ? 'No Kafka started by npm run kafka:start is running'
        : `No Kafka is running for ${folder}${others ? `; running: ${others}` : ''}`,
    );
    return;
  }
  for (const broker of chosen) {
    process.kill(broker.pid, 'SIGTERM');
    const deadline = Date.now() + STOP_GRACE_MS;
    while (isAlive(broker.pid)) {
      if (Date.now() > deadline) process.kill(broker.pid, 'SIGKILL');
      await new Promise((done) => setTimeout(done, 200));
    }
    await rm(entryOf(broker.dataDir), { force: true });
    console.log(`Kafka on ${broker.bootstrap} (data in ${broker.dataDir}) stopped`);
  }
}
