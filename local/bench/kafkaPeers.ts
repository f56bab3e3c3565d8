import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaBroker } from '../emulators/kafkaBroker.js';
import { startConnectFileSink, startConsoleConsumer } from '../emulators/kafkaConnect.js';
import { createEventGenerator } from '../sources/generator.js';
import { produceGeneratedEvents } from '../sources/kafka/producer.js';

/**
 * One tool's runs over the whole topic, each from its start, to its first output, to its last: the
 * round with the median time past start-up, and every round's rate.
 */
export interface KafkaPeerFigure {
  readonly tool: string;
  readonly startupSeconds: number;
  /** From the first output to the last record out (ours: to the run's end, every minute sealed). */
  readonly workSeconds: number;
  readonly mbPerSecondPastStartup: number;
  /** MB/s past start-up of each round, in the order they ran. */
  readonly roundsMbPerSecond: readonly number[];
}

export interface KafkaPeersResult {
  readonly events: number;
  readonly partitions: number;
  readonly bodyBytes: number;
  /** Rounds per tool; each round runs every tool once, in the same order. */
  readonly rounds: number;
  /** Our function instances, each in a thread of its own: one per core, at most one per partition (`--instances`). */
  readonly instances: number;
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
export async function measureKafkaPeers(
  events: number,
  partitions: number,
  rounds: number,
): Promise<KafkaPeersResult> {
  const folder = await mkdtemp(join(tmpdir(), 'capture-peers-'));
  // As npm run local's default: the cloud would run up to one instance per partition, the machine has these cores.
  const instances = Math.min(availableParallelism(), partitions);
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
    const tools: readonly { readonly name: string; run(roundFolder: string): Promise<Timing> }[] = [
      ...(['azure', 'aws'] as const).map((platform) => ({
        name: `ours, ${platform === 'azure' ? 'Azure Kafka trigger' : 'Lambda MSK mapping'} shape (npm run local)`,
        run: (roundFolder: string) =>
          timeOurs(bootstrap, platform, instances, join(roundFolder, `lake-${platform}`)),
      })),
      {
        name: 'Kafka Connect standalone, FileStreamSink',
        run: (roundFolder: string) => timeConnect(bootstrap, partitions, events, roundFolder),
      },
      { name: 'Kafka console consumer, output dropped', run: () => timeConsoleConsumer(bootstrap, events) },
    ];
    // Rounds interleave the tools, so a spell of other work on the machine is spread over all of them.
    const timings: Timing[][] = tools.map(() => []);
    for (let round = 0; round < rounds; round++) {
      const roundFolder = join(folder, `round-${round}`);
      for (const [index, tool] of tools.entries()) timings[index]?.push(await tool.run(roundFolder));
      await rm(roundFolder, { recursive: true, force: true });
    }
    const bodyBytes = generatedBodyBytes(events);
    const mbPerSecond = (timing: Timing) => bodyBytes / 1e6 / timing.workSeconds;
    const figures = tools.map((tool, index): KafkaPeerFigure => {
      const runs = timings[index] ?? [];
      const median = medianBy(runs, (timing) => timing.workSeconds);
      return {
        tool: tool.name,
        ...median,
        mbPerSecondPastStartup: mbPerSecond(median),
        roundsMbPerSecond: runs.map(mbPerSecond),
      };
    });
    return { events, partitions, bodyBytes, rounds, instances, figures };
  } finally {
    await broker.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

/** The run whose value is the median (of an even count, the higher of the middle two: the slower run). */
function medianBy<T>(runs: readonly T[], measure: (run: T) => number): T {
  const sorted = [...runs].sort((a, b) => measure(a) - measure(b));
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('a tool ran no round');
  return middle;
}

/** `npm run local` over the whole topic into a lake of its own, with a consumer group of its own. */
function timeOurs(
  bootstrap: string,
  platform: 'azure' | 'aws',
  instances: number,
  dir: string,
): Promise<Timing> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      RUN_COMMAND,
      ...['--source', 'kafka', '--brokers', bootstrap, '--topic', TOPIC, '--platform', platform],
      ...[
        '--store',
        'fs',
        '--dir',
        dir,
        '--from-beginning',
        '--until-drained',
        '--instances',
        String(instances),
      ],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const logFile = join(dir, '_logs', 'invocations.jsonl');
  return timeUntilExit(child, () => existsSync(logFile) && statSync(logFile).size > 0);
}

async function timeConnect(
  bootstrap: string,
  partitions: number,
  events: number,
  roundFolder: string,
): Promise<Timing> {
  const sinkFile = join(roundFolder, 'connect-sink.txt');
  const connect = await startConnectFileSink({
    bootstrap,
    topic: TOPIC,
    file: sinkFile,
    workDir: join(roundFolder, 'connect'),
    tasks: partitions,
  });
  try {
    return await timeFileLines(sinkFile, events);
  } finally {
    await connect.stop();
  }
}

async function timeConsoleConsumer(bootstrap: string, events: number): Promise<Timing> {
  const consumer = await startConsoleConsumer(bootstrap, TOPIC);
  try {
    return await timeStdoutLines(consumer, events);
  } finally {
    consumer.kill('SIGKILL');
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
