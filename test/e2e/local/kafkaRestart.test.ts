import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Admin, ListOffsetTimestamps } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckDb as query } from '../../../local/audit/duckDb.js';
import {
  ensureKafkaInstalled,
  type RunningKafkaBroker,
  startKafkaBroker,
} from '../../../local/emulators/kafkaBroker.js';
import { parseCpuSplitLine } from '../../../local/platforms/kafka/cpuSplit.js';
import { produceGeneratedEvents } from '../../../local/sources/kafka/producer.js';

const run = promisify(execFile);
const EVENTS = 100_000;
const PARTITIONS = 6;
/** The embedded local topic's consumer group (see localKafkaTopic). */
const GROUP = 'capture-local';

/** One process, not tsx's launcher and a child: a SIGKILL must hit the runner itself. */
function runnerArgs(args: readonly string[]): string[] {
  return ['--import', 'tsx', 'local/run.ts', ...args];
}

const randomBetween = (low: number, high: number) => low + Math.random() * (high - low);

describe('Command: npm run local -- --source kafka (a real broker; lakes read back with DuckDB)', () => {
  let broker: RunningKafkaBroker;
  let admin: Admin;
  const folders: string[] = [];
  const scratch = async (prefix: string) => {
    const folder = await mkdtemp(join(tmpdir(), prefix));
    folders.push(folder);
    return folder;
  };

  // Only this file needs a broker, so only this file pays for starting one (and installing it on a
  // fresh clone; CI installs it beforehand with npm run kafka:install).
  beforeAll(async () => {
    await ensureKafkaInstalled();
    broker = await startKafkaBroker({ dataDir: await scratch('kafka-') });
    admin = new Admin({ clientId: 'kafka-restart-test', bootstrapBrokers: [broker.bootstrap] });
  }, 240_000);

  afterAll(async () => {
    await admin?.close();
    await broker?.stop();
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  /** Records the group has committed on the topic, all partitions together. */
  async function committedRecords(topic: string): Promise<number> {
    const [group] = await admin.listConsumerGroupOffsets({
      groups: [
        {
          groupId: GROUP,
          topics: [{ name: topic, partitionIndexes: Array.from({ length: PARTITIONS }, (_, p) => p) }],
        },
      ],
    });
    const partitions = group?.topics.find((entry) => entry.name === topic)?.partitions ?? [];
    return partitions.reduce((sum, { committedOffset }) => sum + Math.max(0, Number(committedOffset)), 0);
  }

  /** Starts the runner and SIGKILLs it once the group has committed `threshold` records, plus a random moment. */
  async function killAfterCommitting(
    args: readonly string[],
    topic: string,
    threshold: number,
  ): Promise<number> {
    const runner: ChildProcess = spawn(process.execPath, runnerArgs(args), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    runner.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    const exited = new Promise<void>((done) => runner.once('exit', () => done()));
    const deadline = Date.now() + 90_000;
    let committed = await committedRecords(topic);
    while (committed < threshold) {
      if (runner.exitCode !== null) throw new Error(`the runner ended before it was killed:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${threshold} records committed in 90 s:\n${stderr}`);
      await sleep(50);
      committed = await committedRecords(topic);
    }
    // Somewhere inside a batch, a commit or a seal: not right after a commit.
    await sleep(randomBetween(0, 400));
    runner.kill('SIGKILL');
    await exited;
    return committed;
  }

  it.each(['azure', 'aws'] as const)(
    'captures 100000 events over 6 partitions exactly once with the %s trigger shape across two SIGKILLs',
    async (platform) => {
      // Prepare
      const topic = `restart-${platform}`;
      const lake = await scratch('capture-kafka-');
      await produceGeneratedEvents({
        brokers: [broker.bootstrap],
        topic,
        events: EVENTS,
        partitions: PARTITIONS,
        rate: 500,
        seed: 3,
      });
      const [listed] = await admin.listOffsets({
        topics: [
          {
            name: topic,
            partitions: Array.from({ length: PARTITIONS }, (_, partitionIndex) => ({
              partitionIndex,
              timestamp: ListOffsetTimestamps.LATEST,
            })),
          },
        ],
      });
      const endOffsets = (listed?.partitions ?? [])
        .map(({ partitionIndex, offset }) => ({ partition: String(partitionIndex), records: Number(offset) }))
        .sort((a, b) => Number(a.partition) - Number(b.partition));
      const args = [
        '--source',
        'kafka',
        '--brokers',
        broker.bootstrap,
        '--topic',
        topic,
        '--platform',
        platform,
        '--store',
        'fs',
        '--dir',
        lake,
        '--until-drained',
        // Two partitions per instance, each instance in a thread of its own: a SIGKILL takes them all.
        '--instances',
        '3',
      ];

      // Act: killed twice at random moments after some progress was committed, then run to the end
      const first = await killAfterCommitting(args, topic, Math.round(randomBetween(0.05, 0.3) * EVENTS));
      const second = await killAfterCommitting(args, topic, Math.round(randomBetween(0.4, 0.7) * EVENTS));
      const { stdout } = await run(process.execPath, runnerArgs(args), {
        maxBuffer: 16 * 1024 * 1024,
        timeout: 120_000,
      });

      // Assess: progress was committed before each kill, and every record is in one sealed object
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(first);
      expect(await committedRecords(topic)).toBe(EVENTS);
      expect(stdout).toContain(`of topic "${topic}" into ${lake}`);
      const files = `${lake}/raw/**/*.jsonl.zst`;
      const [totals] = await query(`
        SELECT count(*)::INTEGER AS records, count(DISTINCT (partition, position))::INTEGER AS distinct_offsets
        FROM read_json('${files}', format = 'newline_delimited')`);
      expect(totals).toEqual({ records: EVENTS, distinct_offsets: EVENTS });
      // Each partition from offset 0 to its end offset, without a gap.
      const partitions = await query(`
        SELECT partition, count(*)::INTEGER AS records, min(position)::INTEGER AS first, max(position)::INTEGER AS last
        FROM read_json('${files}', format = 'newline_delimited') GROUP BY partition ORDER BY partition::INTEGER`);
      expect(partitions).toEqual(
        endOffsets.map(({ partition, records }) => ({ partition, records, first: 0, last: records - 1 })),
      );
    },
    240_000,
  );

  it.each(['azure', 'aws'] as const)(
    'writes with three function instances (%s shape) the same lines, byte for byte, as with one',
    async (platform) => {
      // Prepare
      const topic = `instances-${platform}`;
      const events = 20_000;
      await produceGeneratedEvents({
        brokers: [broker.bootstrap],
        topic,
        events,
        partitions: PARTITIONS,
        rate: 500,
        seed: 4,
      });
      const capture = async (instances: number) => {
        const lake = await scratch('capture-instances-');
        const { stderr } = await run(
          process.execPath,
          runnerArgs([
            ...['--source', 'kafka', '--brokers', broker.bootstrap, '--topic', topic],
            ...['--platform', platform, '--store', 'fs', '--dir', lake],
            ...['--from-beginning', '--until-drained', '--instances', String(instances)],
          ]),
          { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
        );
        // One instance runs in the runner's thread and says nothing; more say how many threads.
        expect(stderr.includes(`${instances} function instances`)).toBe(instances > 1);
        // The last note splits the run's CPU by thread: as many instance threads as it started.
        const split = stderr
          .split('\n')
          .map(parseCpuSplitLine)
          .find((parsed) => parsed !== null);
        expect(split?.instances).toBe(instances > 1 ? instances : 0);
        expect(split?.runnerSeconds).toBeGreaterThan(0);
        expect((split?.instanceSeconds ?? 0) > 0).toBe(instances > 1);
        return `read_json('${lake}/raw/**/*.jsonl.zst', format = 'newline_delimited', records = false)`;
      };

      // Act
      const alone = await capture(1);
      const side = await capture(3);

      // Assess: every line (coordinates, time, key, headers, body) is in both lakes, once
      const lines = (lake: string) => `SELECT json::VARCHAR AS line FROM ${lake}`;
      const [compared] = await query(`
        SELECT
          (SELECT count(*) FROM ${side})::INTEGER AS records,
          (SELECT count(DISTINCT json::VARCHAR) FROM ${side})::INTEGER AS distinct_lines,
          (SELECT count(*) FROM (${lines(side)} EXCEPT ALL ${lines(alone)}))::INTEGER AS only_with_three,
          (SELECT count(*) FROM (${lines(alone)} EXCEPT ALL ${lines(side)}))::INTEGER AS only_with_one`);
      expect(compared).toEqual({
        records: events,
        distinct_lines: events,
        only_with_three: 0,
        only_with_one: 0,
      });
    },
    240_000,
  );
});
