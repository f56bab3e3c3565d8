import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generationInPath } from '../../shared/paths/layoutPath.js';
import { auditLake, type LakeAudit } from '../audit/lakeAudit.js';
import { type Lake, openLake, startEmulator } from '../emulators/openLake.js';
import { createFaultPlan } from '../faults/faultProxy.js';
import type { Platform } from '../platforms/kafka/triggerFunctions.js';
import { localKafkaTopic } from '../sources/kafka/source.js';
import { offsetsInTopic, startReliabilityBroker } from './kafkaRun.js';
import { objectTimes, type SealLatency, sealLatencyOf } from './sealLatency.js';
import { SoakRunner } from './soakRunner.js';
import { SteadyProducer, waitUntilCommitted } from './steadyProducer.js';

const TOPIC = 'soak';
/** The runners' consumer groups, one per platform as one per deployed function. */
const GROUPS = ['capture-soak-azure', 'capture-soak-aws'];

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
  /** Records captured per second, from the first produced to the end of the final drain. */
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
      azure: new SoakRunner(TOPIC, 'azure', broker.bootstrap, lakes.azure, join(folder, 'azure')),
      aws: new SoakRunner(TOPIC, 'aws', broker.bootstrap, lakes.aws, join(folder, 'aws')),
    };
    cleanups.push(
      () => runners.azure.stop(),
      () => runners.aws.stop(),
    );

    const producer = new SteadyProducer(broker.bootstrap, { ...options, topic: TOPIC });
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
        await waitUntilCommitted(broker.bootstrap, TOPIC, GROUPS);
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
    const drainedAt = Date.now();
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
        recordsPerSecond: audit.recordsOut / ((drainedAt - trafficFrom) / 1000),
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

/** A phase of the soak, on stderr with the minutes since it began: long work shows progress. */
function progress(began: number, message: string): void {
  process.stderr.write(`soak +${((Date.now() - began) / 60_000).toFixed(1)} min: ${message}\n`);
}
