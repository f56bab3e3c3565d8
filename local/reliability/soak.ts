import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Admin, ListOffsetTimestamps, ProduceAcks, Producer } from '@platformatic/kafka';
import { generationInPath } from '../../shared/paths/layoutPath.js';
import { auditLake, type LakeAudit } from '../audit/lakeAudit.js';
import { type Lake, openLake, startEmulator } from '../emulators/openLake.js';
import { createFaultPlan } from '../faults/faultProxy.js';
import type { Platform } from '../platforms/kafka/triggerFunctions.js';
import { createEventGenerator } from '../sources/generator.js';
import { localKafkaTopic } from '../sources/kafka/source.js';
import { offsetsInTopic, startReliabilityBroker } from './kafkaRun.js';
import { objectTimes, type SealLatency, sealLatencyOf } from './sealLatency.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOPIC = 'soak';
/** Producer sends this often: steady traffic rather than bursts. */
const SEND_EVERY_MS = 250;
const RSS_EVERY_MS = 5_000;
/** RSS samples of a process's first minute are its start-up, not its steady state. */
const RSS_WARM_UP_MINUTES = 1;
/** The runners' consumer groups, one per platform as one per deployed function. */
const GROUPS = ['capture-soak-azure', 'capture-soak-aws'];
/** The longest the runners may take to catch up before the topic is recreated. */
const CATCH_UP_TIMEOUT_MS = 5 * 60_000;
/** The longest a final drain may take before the soak calls it stuck. */
const DRAIN_TIMEOUT_MS = 5 * 60_000;

export interface SoakOptions {
  readonly minutes: number;
  readonly partitions: number;
  /** Events per second produced, all partitions together. */
  readonly rate: number;
  /** Each runner is killed (SIGKILL) and restarted this often, the two apart by half of it. */
  readonly killEverySeconds: number;
  readonly faultRate: number;
  readonly seed: number;
}

/** One platform's run: the runner as the Azure Kafka trigger into Azurite, or as Lambda into S3. */
export interface SoakRunReport extends LakeAudit {
  readonly platform: Platform;
  readonly recordsIn: number;
  /** Records captured per second of the soak, the final drain included. */
  readonly recordsPerSecond: number;
  readonly kills: number;
  /** The `capture.positions-restarted` lines the runner logged: partition, kind, evidence. */
  readonly positionRestarts: readonly string[];
  /** Partitions with objects of generation 1: those that noticed the recreated topic. */
  readonly partitionsRestarted: number;
  readonly sealLatency: SealLatency;
  /** RSS of each runner process's life: first and last sample and the slope of a straight-line fit. */
  readonly rss: readonly {
    readonly samples: number;
    readonly minutes: number;
    readonly firstMiB: number;
    readonly lastMiB: number;
    readonly slopeMiBPerMinute: number;
  }[];
  readonly faultsInjected: number;
}

export interface SoakReport {
  readonly minutes: number;
  readonly produced: number;
  readonly topicRecreatedAt: string;
  readonly runs: readonly SoakRunReport[];
  readonly durationMs: number;
}

/**
 * A soak: steady traffic into a real broker for `minutes`, captured by two local Kafka runners at
 * once (the Azure Kafka trigger's shape into Azurite, the Lambda mapping's into S3), each through a
 * fault proxy, each SIGKILLed and restarted every `killEverySeconds`; halfway, the topic is deleted and
 * created again. Then the producer stops, both runners drain, and each lake is audited record by
 * record (both generations of positions), with seal latency from the objects' times and each runner's
 * RSS over its life.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const began = Date.now();
  const folder = await mkdtemp(join(tmpdir(), 'capture-soak-'));
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const broker = await startReliabilityBroker();
    cleanups.push(() => broker.stop());
    const azurite = await startEmulator('azurite');
    cleanups.push(azurite.stop);
    const s3 = await startEmulator('s3');
    cleanups.push(s3.stop);
    const storage = localKafkaTopic(undefined, TOPIC).storage;
    const plans = {
      azure: createFaultPlan({ rate: options.faultRate, seed: options.seed }),
      aws: createFaultPlan({ rate: options.faultRate, seed: options.seed + 1 }),
    };
    const lakes: Record<Platform, Lake> = {
      azure: await openLake('azurite', { storage, emulators: azurite.emulators, faults: plans.azure }),
      aws: await openLake('s3', { storage, emulators: s3.emulators, faults: plans.aws }),
    };
    cleanups.push(
      () => lakes.azure.close(),
      () => lakes.aws.close(),
    );
    const runners = {
      azure: new SoakRunner('azure', broker.bootstrap, lakes.azure, join(folder, 'azure')),
      aws: new SoakRunner('aws', broker.bootstrap, lakes.aws, join(folder, 'aws')),
    };
    cleanups.push(
      () => runners.azure.stop(),
      () => runners.aws.stop(),
    );

    const producer = new SteadyProducer(broker.bootstrap, options);
    await producer.createTopic();
    runners.azure.start();
    runners.aws.start();
    const producing = producer.run();
    progress(began, `producing ${options.rate} events/s into topic ${TOPIC}, captured by both runners`);
    const trafficFrom = Date.now();
    let endAt = trafficFrom + options.minutes * 60_000;
    const recreateAt = trafficFrom + (options.minutes * 60_000) / 2;
    let firstGeneration: Set<string> | undefined;
    let recreatedAt = '';
    let nextKill = {
      azure: began + options.killEverySeconds * 1000,
      aws: began + options.killEverySeconds * 1500,
    };
    while (Date.now() < endAt) {
      await sleep(1000);
      if (firstGeneration === undefined && Date.now() >= recreateAt) {
        // Deleting a topic deletes what no one has read yet, on any platform: the runners catch up
        // first. Then it goes and comes back while no runner holds it: a consumer that kept its place
        // in memory across a recreation would skip the new log's first records.
        producer.pause();
        await producer.idle();
        progress(began, 'production paused: the runners catch up before the topic is recreated');
        const pausedAt = Date.now();
        await waitUntilCommitted(broker.bootstrap, GROUPS);
        await Promise.all([runners.azure.kill(), runners.aws.kill()]);
        firstGeneration = await offsetsInTopic(broker.bootstrap, TOPIC);
        await producer.recreateTopic(GROUPS);
        progress(began, 'topic recreated; production resumed');
        // Traffic time excludes the pause: the second generation gets its half.
        endAt += Date.now() - pausedAt;
        nextKill = {
          azure: Date.now() + options.killEverySeconds * 1000,
          aws: Date.now() + options.killEverySeconds * 1500,
        };
        recreatedAt = new Date().toISOString();
        producer.resume();
        runners.azure.start();
        runners.aws.start();
        continue;
      }
      for (const platform of ['azure', 'aws'] as const) {
        if (Date.now() < nextKill[platform]) continue;
        await runners[platform].kill();
        runners[platform].start();
        nextKill = { ...nextKill, [platform]: Date.now() + options.killEverySeconds * 1000 };
      }
    }
    producer.stop();
    await producing;
    const producedUntil = Date.now();
    const secondGeneration = await offsetsInTopic(broker.bootstrap, TOPIC);
    const expected = new Set([
      ...(firstGeneration ?? []),
      ...[...secondGeneration].map((key) => `g1:${key}`),
    ]);
    progress(began, 'production stopped: both runners drain');
    await Promise.all([runners.azure.drain(), runners.aws.drain()]);
    progress(began, 'drained: auditing both lakes');
    const runs: SoakRunReport[] = [];
    for (const platform of ['azure', 'aws'] as const) {
      const lake = lakes[platform];
      const audit = await auditLake(lake.direct.objects, join(folder, platform, 'audit'), expected);
      const times = await objectTimes(lake, platform === 'azure' ? azurite.emulators : s3.emulators);
      runs.push({
        platform,
        ...audit,
        recordsIn: expected.size,
        recordsPerSecond: audit.recordsOut / ((Date.now() - began) / 1000),
        kills: runners[platform].kills,
        positionRestarts: await runners[platform].restartsLogged(),
        partitionsRestarted: new Set(
          times
            .filter(({ path }) => generationInPath(path) === 1)
            .map(({ path }) => path.slice(path.lastIndexOf('/') + 1).split('-')[0]),
        ).size,
        sealLatency: sealLatencyOf(times, producedUntil),
        rss: runners[platform].rssLives(),
        faultsInjected: Object.values(plans[platform].injected()).reduce((sum, count) => sum + count, 0),
      });
    }
    return {
      minutes: options.minutes,
      produced: expected.size,
      topicRecreatedAt: recreatedAt,
      runs,
      durationMs: Date.now() - began,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    if (process.env.CAPTURE_SOAK_KEEP) console.error(`soak folder kept: ${folder}`);
    else await rm(folder, { recursive: true, force: true });
  }
}

/** Generated events at a steady rate, timestamped as they are sent; pausable while the topic is recreated. */
class SteadyProducer {
  private readonly producer: Producer;
  private readonly generate;
  private stopped = false;
  private paused = false;
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bootstrap: string,
    private readonly options: SoakOptions,
  ) {
    this.producer = new Producer({
      clientId: 'capture-soak',
      bootstrapBrokers: [bootstrap],
      acks: ProduceAcks.ALL,
    });
    this.generate = createEventGenerator(options.seed);
  }

  async createTopic(): Promise<void> {
    await withAdmin(this.bootstrap, (admin) =>
      admin.createTopics({ topics: [TOPIC], partitions: this.options.partitions, replicas: 1 }),
    );
  }

  /** Deletes the topic, forgets the groups' offsets on it, and creates it again, empty. */
  async recreateTopic(groups: readonly string[]): Promise<void> {
    await withAdmin(this.bootstrap, async (admin) => {
      await admin.deleteTopics({ topics: [TOPIC] });
      await admin.deleteGroups({ groups: [...groups] }).catch(() => {});
      for (let attempt = 0; ; attempt++) {
        const created = await admin
          .createTopics({ topics: [TOPIC], partitions: this.options.partitions, replicas: 1 })
          .then(
            () => true,
            () => false,
          );
        if (created) return;
        if (attempt === 60) throw new Error(`topic ${TOPIC} could not be created again`);
        await sleep(500);
      }
    });
  }

  /** Sends until stopped, keeping to the rate over the time it has been sending, pauses left out. */
  async run(): Promise<void> {
    let sent = 0;
    let sendingMs = 0;
    let last = Date.now();
    try {
      while (!this.stopped) {
        await sleep(SEND_EVERY_MS);
        const now = Date.now();
        if (!this.paused) sendingMs += now - last;
        last = now;
        const due = Math.floor((sendingMs / 1000) * this.options.rate) - sent;
        if (this.paused || due <= 0) continue;
        const messages = Array.from({ length: due }, () => {
          const event = this.generate(now);
          return { topic: TOPIC, key: Buffer.from(event.key), value: event.body, timestamp: BigInt(now) };
        });
        this.sending = this.producer.send({ messages });
        await this.sending;
        sent += due;
      }
    } finally {
      await this.producer.close();
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async idle(): Promise<void> {
    await this.sending;
  }

  stop(): void {
    this.stopped = true;
  }
}

/** A phase of the soak, on stderr with the minutes since it began: long work shows progress. */
function progress(began: number, message: string): void {
  process.stderr.write(`soak +${((Date.now() - began) / 60_000).toFixed(1)} min: ${message}\n`);
}

/** Waits until every group has committed the topic's end offsets. */
async function waitUntilCommitted(bootstrap: string, groups: readonly string[]): Promise<void> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  await withAdmin(bootstrap, async (admin) => {
    for (;;) {
      const metadata = await admin.metadata({ topics: [TOPIC] });
      const partitions = Array.from(
        { length: metadata.topics.get(TOPIC)?.partitionsCount ?? 0 },
        (_, partitionIndex) => partitionIndex,
      );
      const [ends] = await admin.listOffsets({
        topics: [
          {
            name: TOPIC,
            partitions: partitions.map((partitionIndex) => ({
              partitionIndex,
              timestamp: ListOffsetTimestamps.LATEST,
            })),
          },
        ],
      });
      const endOf = new Map(
        (ends?.partitions ?? []).map(({ partitionIndex, offset }) => [partitionIndex, offset]),
      );
      const committed = await admin.listConsumerGroupOffsets({
        groups: groups.map((groupId) => ({
          groupId,
          topics: [{ name: TOPIC, partitionIndexes: partitions }],
        })),
      });
      const caughtUp = committed.every((group) =>
        partitions.every((partition) => {
          const at = group.topics[0]?.partitions.find((entry) => entry.partitionIndex === partition);
          return (at?.committedOffset ?? -1n) >= (endOf.get(partition) ?? 0n);
        }),
      );
      if (caughtUp) return;
      if (Date.now() > deadline)
        throw new Error('the runners did not catch up with the topic before its recreation');
      await sleep(1000);
    }
  });
}

async function withAdmin<T>(bootstrap: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'capture-soak-admin', bootstrapBrokers: [bootstrap] });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

/** One platform's local Kafka runner as a child process: started, killed, restarted, drained, watched. */
class SoakRunner {
  private child: ChildProcess | undefined;
  private sampler: NodeJS.Timeout | undefined;
  private readonly lives: { minute: number; mib: number }[][] = [];
  kills = 0;

  constructor(
    private readonly platform: Platform,
    private readonly bootstrap: string,
    private readonly lake: Lake,
    private readonly dir: string,
  ) {}

  private args(extra: readonly string[]): string[] {
    const endpoint =
      this.platform === 'azure'
        ? ['--azurite', this.lake.endpoints.azuriteConnectionString ?? '']
        : ['--s3-endpoint', this.lake.endpoints.s3Endpoint ?? ''];
    return [
      '--import',
      'tsx',
      join(ROOT, 'local', 'run.ts'),
      ...['--source', 'kafka', '--brokers', this.bootstrap, '--topic', TOPIC],
      ...['--platform', this.platform, '--store', this.platform === 'azure' ? 'azurite' : 's3'],
      ...['--dir', this.dir, '--group', `capture-soak-${this.platform}`, ...endpoint, ...extra],
      // Retries wait 1 s doubling to 10 s rather than the platforms' minutes: with faults injected all
      // along, the platforms' waits would leave the soak mostly waiting.
      ...['--retry-wait-ms', '1000,10000'],
      // Batches wait a second at most, as the runners did before the Lambda mapping's default window
      // grew to a minute (a cost setting): a kill every few seconds should meet batches in flight.
      ...['--max-wait-ms', '1000'],
    ];
  }

  /** The runners' terminal output, kept beside their invocation logs. */
  private output(): number {
    return openSync(join(this.dir, 'runner.log'), 'a');
  }

  start(): void {
    mkdirSync(this.dir, { recursive: true });
    const log = this.output();
    // One process, not npm's or tsx's launcher: the SIGKILL must hit the runner itself.
    this.child = spawn(process.execPath, this.args([]), { cwd: ROOT, stdio: ['ignore', log, log] });
    const life: { minute: number; mib: number }[] = [];
    this.lives.push(life);
    const pid = this.child.pid;
    this.sampler = setInterval(() => {
      void rssMiB(pid).then((mib) => {
        if (mib !== null) life.push({ minute: Date.now() / 60_000, mib });
      });
    }, RSS_EVERY_MS);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    clearInterval(this.sampler);
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    this.kills += 1;
  }

  /** The last run, with `--until-drained`: it exits once every record is committed and sealed. */
  async drain(): Promise<void> {
    await this.kill();
    const log = this.output();
    const child = spawn(process.execPath, this.args(['--until-drained']), {
      cwd: ROOT,
      stdio: ['ignore', log, log],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), DRAIN_TIMEOUT_MS);
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    clearTimeout(timer);
    if (code !== 0) {
      const tail = (await readFile(join(this.dir, 'runner.log'), 'utf8').catch(() => '')).slice(-2000);
      throw new Error(
        `the ${this.platform} runner's final drain ended with ${code}; its output ends with:\n${tail}`,
      );
    }
  }

  async stop(): Promise<void> {
    await this.kill();
  }

  /** The position restarts the runner logged, in words. */
  async restartsLogged(): Promise<string[]> {
    const text = await readFile(join(this.dir, '_logs', 'invocations.jsonl'), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.includes('"event":"capture.positions-restarted"'))
      .map((line) => {
        const restart = JSON.parse(line) as {
          partition: string;
          kind: string;
          generation: number;
          evidence: string;
        };
        return `partition ${restart.partition} ${restart.kind} to generation ${restart.generation}: ${restart.evidence}`;
      });
  }

  /** Each process life's RSS after its first minute: its first and last sample and their trend. */
  rssLives() {
    return this.lives
      .map((life) => life.filter(({ minute }) => minute - (life[0]?.minute ?? 0) >= RSS_WARM_UP_MINUTES))
      .filter((steady) => steady.length >= 3)
      .map((steady) => ({
        samples: steady.length,
        minutes: (steady.at(-1)?.minute ?? 0) - (steady[0]?.minute ?? 0),
        firstMiB: steady[0]?.mib ?? 0,
        lastMiB: steady.at(-1)?.mib ?? 0,
        slopeMiBPerMinute: slope(steady.map(({ minute, mib }) => [minute, mib])),
      }));
  }
}

async function rssMiB(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kib = status === null ? undefined : /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kib === undefined ? null : Number(kib) / 1024;
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}
