import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaBroker } from '../emulators/kafkaBroker.js';
import { startConnectFileSink, startConsoleConsumer } from '../emulators/kafkaConnect.js';
import { createEventGenerator } from '../sources/generator.js';
import { produceGeneratedEvents } from '../sources/kafka/producer.js';

/** One tool's run over the whole topic: from its start, to its first output, to its last. */
export interface KafkaPeerFigure {
  readonly tool: string;
  readonly startupSeconds: number;
  /** From the first output to the last record out (ours: to the run's end, every minute sealed). */
  readonly workSeconds: number;
  readonly mbPerSecondPastStartup: number;
}

export interface KafkaPeersResult {
  readonly events: number;
  readonly partitions: number;
  readonly bodyBytes: number;
  readonly figures: readonly KafkaPeerFigure[];
}

const RUN_COMMAND = fileURLToPath(new URL('../run.ts', import.meta.url));
const TOPIC = 'bench-peers';
/** The producer's seed: the bodies' size is recomputed from it. */
const SEED = 18;
const POLL_MS = 20;
/** No tool may take longer than this on the topic; a stuck one fails the bench instead of hanging it. */
const TOOL_TIMEOUT_MS = 10 * 60_000;

/**
 * The side-by-side on one topic in a local KRaft broker: `npm run local -- --source kafka
 * --until-drained` as the Azure Kafka trigger and as the Lambda mapping would deliver it (into the
 * filesystem lake, with the batch settings the product ships), Kafka Connect standalone with
 * FileStreamSink, and Kafka's console consumer, its output counted and dropped. Throughput is body
 * bytes over the time from each tool's first output to its last, so JVM and Node start-up, group
 * joins and connector start are left out alike.
 */
export async function measureKafkaPeers(events: number, partitions: number): Promise<KafkaPeersResult> {
  const folder = await mkdtemp(join(tmpdir(), 'capture-peers-'));
  const broker = await startKafkaBroker({ dataDir: join(folder, 'kafka') });
  try {
    const bootstrap = broker.bootstrap;
    await produceGeneratedEvents({
      brokers: [bootstrap],
      topic: TOPIC,
      events,
      partitions,
      rate: 2000,
      seed: SEED,
    });
    const bodyBytes = generatedBodyBytes(events);
    const rate = (figure: Omit<KafkaPeerFigure, 'mbPerSecondPastStartup'>): KafkaPeerFigure => ({
      ...figure,
      mbPerSecondPastStartup: bodyBytes / 1e6 / figure.workSeconds,
    });
    const figures: KafkaPeerFigure[] = [];
    for (const platform of ['azure', 'aws'] as const) {
      const dir = join(folder, `lake-${platform}`);
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          RUN_COMMAND,
          ...['--source', 'kafka', '--brokers', bootstrap, '--topic', TOPIC, '--platform', platform],
          ...['--store', 'fs', '--dir', dir, '--from-beginning', '--until-drained'],
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      const logFile = join(dir, '_logs', 'invocations.jsonl');
      figures.push(
        rate({
          tool: `ours, ${platform === 'azure' ? 'Azure Kafka trigger' : 'Lambda MSK mapping'} shape (npm run local)`,
          ...(await timeUntilExit(child, () => existsSync(logFile) && statSync(logFile).size > 0)),
        }),
      );
    }
    const sinkFile = join(folder, 'connect-sink.txt');
    const connect = await startConnectFileSink({
      bootstrap,
      topic: TOPIC,
      file: sinkFile,
      workDir: join(folder, 'connect'),
      tasks: partitions,
    });
    try {
      figures.push(
        rate({
          tool: 'Kafka Connect standalone, FileStreamSink',
          ...(await timeFileLines(sinkFile, events)),
        }),
      );
    } finally {
      await connect.stop();
    }
    const consumer = await startConsoleConsumer(bootstrap, TOPIC);
    try {
      figures.push(
        rate({
          tool: 'Kafka console consumer, output dropped',
          ...(await timeStdoutLines(consumer, events)),
        }),
      );
    } finally {
      consumer.kill('SIGKILL');
    }
    return { events, partitions, bodyBytes, figures };
  } finally {
    await broker.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

function generatedBodyBytes(events: number): number {
  const generate = createEventGenerator(SEED);
  let bytes = 0;
  for (let index = 0; index < events; index++) bytes += generate(Date.now()).body.length;
  return bytes;
}

type Timing = { startupSeconds: number; workSeconds: number };

/** Our runner: its first invocation line marks the end of start-up; its exit, drained and sealed, the end. */
function timeUntilExit(child: ChildProcess, started: () => boolean): Promise<Timing> {
  const began = performance.now();
  let firstOutput: number | null = null;
  const poll = setInterval(() => {
    if (firstOutput === null && started()) firstOutput = performance.now();
  }, POLL_MS);
  return new Promise((done, fail) => {
    const timeout = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timeout);
      const ended = performance.now();
      if (code !== 0 || firstOutput === null) return fail(new Error(`npm run local ended with ${code}`));
      done({ startupSeconds: (firstOutput - began) / 1000, workSeconds: (ended - firstOutput) / 1000 });
    });
  });
}

/** FileStreamSink: the sink file's first bytes end start-up; its `lines`-th line is the last record. */
async function timeFileLines(file: string, lines: number): Promise<Timing> {
  const began = performance.now();
  let firstOutput: number | null = null;
  let counted = 0;
  let readBytes = 0;
  while (counted < lines) {
    if (performance.now() - began > TOOL_TIMEOUT_MS)
      throw new Error(`FileStreamSink wrote ${counted} of ${lines} lines`);
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size > readBytes) {
      firstOutput ??= performance.now();
      counted += await newlinesIn(file, readBytes, size);
      readBytes = size;
    } else {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  const ended = performance.now();
  return {
    startupSeconds: ((firstOutput ?? ended) - began) / 1000,
    workSeconds: (ended - (firstOutput ?? began)) / 1000,
  };
}

async function newlinesIn(file: string, start: number, end: number): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(file, { start, end: end - 1 })) {
    for (const byte of chunk as Buffer) if (byte === 0x0a) count += 1;
  }
  return count;
}

/** The console consumer: its first bytes on stdout end start-up; its `lines`-th line is the last record. */
function timeStdoutLines(child: ChildProcess, lines: number): Promise<Timing> {
  const began = performance.now();
  let firstOutput: number | null = null;
  let counted = 0;
  return new Promise((done, fail) => {
    const timeout = setTimeout(
      () => fail(new Error(`the console consumer printed ${counted} of ${lines} lines`)),
      TOOL_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      firstOutput ??= performance.now();
      for (const byte of chunk) if (byte === 0x0a) counted += 1;
      if (counted >= lines) {
        clearTimeout(timeout);
        const ended = performance.now();
        done({ startupSeconds: (firstOutput - began) / 1000, workSeconds: (ended - firstOutput) / 1000 });
      }
    });
    child.once('exit', (code) =>
      fail(new Error(`the console consumer exited with ${code} after ${counted} lines`)),
    );
  });
}
