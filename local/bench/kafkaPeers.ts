import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaBroker } from '../emulators/kafkaBroker.js';
import { startConnectFileSink, startConsoleConsumer } from '../emulators/kafkaConnect.js';
import { type CpuSplit, parseCpuSplitLine } from '../platforms/kafka/cpuSplit.js';
import { createEventGenerator } from '../sources/generator.js';
import { produceGeneratedEvents } from '../sources/kafka/producer.js';
import { type WindowCpu, windowCpu } from './processCpu.js';

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
  /** CPU seconds the tool's process used past start-up, every thread; null where /proc cannot tell. */
  readonly cpuSeconds: number | null;
  /** CPU seconds the broker used over the same time, serving the tool's fetches. */
  readonly brokerCpuSeconds: number | null;
  /** Ours: the run's own split of its CPU from its first batch on, by thread (see cpuSplit.ts). */
  readonly cpuSplit: CpuSplit | null;
}

export interface KafkaPeersResult {
  readonly events: number;
  readonly partitions: number;
  readonly bodyBytes: number;
  /** Rounds per tool; each round runs every tool once, in the same order. */
  readonly rounds: number;
  /** Our function instances, each in a thread of its own: one per core, at most one per partition (`--instances`). */
  readonly instances: number;
  /** The machine's cores, which every tool and the broker share. */
  readonly cores: number;
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
  const cores = availableParallelism();
  const instances = Math.min(cores, partitions);
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
    /** The CPU of a tool's process and of the broker, over the tool's time past start-up. */
    const cpuOf = (pid: number | undefined) => windowCpu([pid, broker.pid]);
    const tools: readonly { readonly name: string; run(roundFolder: string): Promise<Timing> }[] = [
      ...(['azure', 'aws'] as const).map((platform) => ({
        name: `ours, ${platform === 'azure' ? 'Azure Kafka trigger' : 'Lambda MSK mapping'} shape (npm run local)`,
        run: (roundFolder: string) =>
          timeOurs(bootstrap, platform, instances, join(roundFolder, `lake-${platform}`), cpuOf),
      })),
      {
        name: 'Kafka Connect standalone, FileStreamSink',
        run: (roundFolder: string) => timeConnect(bootstrap, partitions, events, roundFolder, cpuOf),
      },
      {
        name: 'Kafka console consumer, output dropped',
        run: () => timeConsoleConsumer(bootstrap, events, cpuOf),
      },
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
        startupSeconds: median.startupSeconds,
        workSeconds: median.workSeconds,
        mbPerSecondPastStartup: mbPerSecond(median),
        roundsMbPerSecond: runs.map(mbPerSecond),
        cpuSeconds: median.cpuSeconds,
        brokerCpuSeconds: median.brokerCpuSeconds,
        cpuSplit: median.cpuSplit,
      };
    });
    return { events, partitions, bodyBytes, rounds, instances, cores, figures };
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
async function timeOurs(
  bootstrap: string,
  platform: 'azure' | 'aws',
  instances: number,
  dir: string,
  cpuOf: (pid: number | undefined) => WindowCpu,
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
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // The run's notes go on to the bench's own; its last one splits its CPU by thread.
  let cpuSplit: CpuSplit | null = null;
  let unfinishedLine = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    process.stderr.write(chunk);
    const lines = (unfinishedLine + chunk).split('\n');
    unfinishedLine = lines.pop() ?? '';
    for (const line of lines) cpuSplit = parseCpuSplitLine(line) ?? cpuSplit;
  });
  // The process may exit before its last notes are read: the split is taken once its streams close.
  const closed = new Promise((streamsClosed) => child.once('close', streamsClosed));
  const logFile = join(dir, '_logs', 'invocations.jsonl');
  const timing = await timeUntilExit(
    child,
    () => existsSync(logFile) && statSync(logFile).size > 0,
    cpuOf(child.pid),
  );
  await closed;
  return { ...timing, cpuSplit };
}

async function timeConnect(
  bootstrap: string,
  partitions: number,
  events: number,
  roundFolder: string,
  cpuOf: (pid: number | undefined) => WindowCpu,
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
    return await timeFileLines(sinkFile, events, cpuOf(connect.child.pid));
  } finally {
    await connect.stop();
  }
}

async function timeConsoleConsumer(
  bootstrap: string,
  events: number,
  cpuOf: (pid: number | undefined) => WindowCpu,
): Promise<Timing> {
  const consumer = await startConsoleConsumer(bootstrap, TOPIC);
  try {
    return await timeStdoutLines(consumer, events, cpuOf(consumer.pid));
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

type Timing = {
  startupSeconds: number;
  workSeconds: number;
  cpuSeconds: number | null;
  brokerCpuSeconds: number | null;
  cpuSplit: CpuSplit | null;
};

/** The window's CPU readings as a timing's fields (no split: only our runner reports one). */
function cpuFields(cpu: WindowCpu): Pick<Timing, 'cpuSeconds' | 'brokerCpuSeconds' | 'cpuSplit'> {
  const [tool = null, broker = null] = cpu.finish();
  return { cpuSeconds: tool, brokerCpuSeconds: broker, cpuSplit: null };
}

/** Our runner: its first invocation line marks the end of start-up; its exit, drained and sealed, the end. */
function timeUntilExit(child: ChildProcess, started: () => boolean, cpu: WindowCpu): Promise<Timing> {
  const began = performance.now();
  let firstOutput: number | null = null;
  const poll = setInterval(() => {
    if (firstOutput === null && started()) {
      firstOutput = performance.now();
      cpu.begin();
    }
    // The process ends by itself: its CPU is what the last reading before that saw.
    cpu.sample();
  }, POLL_MS);
  return new Promise((done, fail) => {
    const timeout = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timeout);
      const ended = performance.now();
      if (code !== 0 || firstOutput === null) return fail(new Error(`npm run local ended with ${code}`));
      done({
        startupSeconds: (firstOutput - began) / 1000,
        workSeconds: (ended - firstOutput) / 1000,
        ...cpuFields(cpu),
      });
    });
  });
}

/** FileStreamSink: the sink file's first bytes end start-up; its `lines`-th line is the last record. */
async function timeFileLines(file: string, lines: number, cpu: WindowCpu): Promise<Timing> {
  const began = performance.now();
  let firstOutput: number | null = null;
  let counted = 0;
  let readBytes = 0;
  while (counted < lines) {
    if (performance.now() - began > TOOL_TIMEOUT_MS)
      throw new Error(`FileStreamSink wrote ${counted} of ${lines} lines`);
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size > readBytes) {
      if (firstOutput === null) {
        firstOutput = performance.now();
        cpu.begin();
      }
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
    ...cpuFields(cpu),
  };
}

async function newlinesIn(file: string, start: number, end: number): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(file, { start, end: end - 1 }))
    count += newlinesOf(chunk as Buffer);
  return count;
}

/** Line feeds in `bytes`, found natively: the count runs beside the tool it times, on the same cores. */
function newlinesOf(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) count += 1;
  return count;
}

/** The console consumer: its first bytes on stdout end start-up; its `lines`-th line is the last record. */
function timeStdoutLines(child: ChildProcess, lines: number, cpu: WindowCpu): Promise<Timing> {
  const began = performance.now();
  let firstOutput: number | null = null;
  let counted = 0;
  return new Promise((done, fail) => {
    const timeout = setTimeout(
      () => fail(new Error(`the console consumer printed ${counted} of ${lines} lines`)),
      TOOL_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      if (firstOutput === null) {
        firstOutput = performance.now();
        cpu.begin();
      }
      counted += newlinesOf(chunk);
      if (counted >= lines) {
        clearTimeout(timeout);
        const ended = performance.now();
        done({
          startupSeconds: (firstOutput - began) / 1000,
          workSeconds: (ended - firstOutput) / 1000,
          ...cpuFields(cpu),
        });
      }
    });
    child.once('exit', (code) =>
      fail(new Error(`the console consumer exited with ${code} after ${counted} lines`)),
    );
  });
}
