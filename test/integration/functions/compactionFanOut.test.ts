import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCompactDispatcherHandler } from '../../../functions/aws/compactDispatcherHandler.js';
import { createCompactHandler } from '../../../functions/aws/compactHandler.js';
import { observabilityFor } from '../../../functions/aws/observability.js';
import { createCompactGroupHandler } from '../../../functions/azure/compactGroup.js';
import { compactionQueueOutput, createCompactTimerHandler } from '../../../functions/azure/compactTimer.js';
import { localLambdaContext } from '../../../local/platforms/aws/lambdaContext.js';
import { localInvocation } from '../../../local/platforms/azure/invocationContext.js';
import { azureCompactionFanOut } from '../../../local/platforms/compactionFanOut.js';
import type { CompactionSummary } from '../../../shared/compaction/compactionSummary.js';
import type { CompactionGroupMessage } from '../../../shared/compaction/groupMessage.js';
import type { CaptureContext } from '../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../shared/pipeline/sealTimer.js';
import type { CaptureStore } from '../../../shared/store.js';
import { committedUnits, readCompactedRows, unlistedParquetFiles } from '../../helpers/compactedLake.js';
import { makeRecord, topicConfig } from '../../helpers/factories.js';
import { freshAzuriteStore, freshFsStore, freshS3Store } from '../../helpers/freshStores.js';
import { readLines } from '../../helpers/lakeReader.js';

const at = (hour: number, minute: number, second = 0) => Date.UTC(2026, 10, 21, hour, minute, second);
/** Two partitions a group: five partitions make three groups, the last with a number not used yet. */
const TOPIC = topicConfig({
  name: 'payments',
  jsonl: { envelope: true },
  compaction: { partitionsPerGroup: 2 },
});

/** A lake whose clock the test moves, with records delivered as the broker would time them. */
function lakeOn(store: CaptureStore) {
  let now = at(12, 0);
  const context: CaptureContext = { topic: TOPIC, store, clock: () => now };
  const nextPosition = new Map<string, number>();
  return {
    context,
    getContext: async () => context,
    async deliver(partitions: readonly string[], hour: number, minute: number, perPartition: number) {
      now = Math.max(now, at(hour, minute, 30));
      const records = partitions.flatMap((partition) =>
        Array.from({ length: perPartition }, (_, index) => {
          const position = nextPosition.get(partition) ?? 0;
          nextPosition.set(partition, position + 1);
          return makeRecord({
            topic: TOPIC.name,
            partition,
            position,
            brokerTime: at(hour, minute, index),
            body: Buffer.from(JSON.stringify({ payment: `${partition}-${position}` })),
          });
        }),
      );
      await ingestBatch(context, records);
    },
    async sealAt(time: number) {
      now = time;
      await sealIdlePartitions(context);
    },
  };
}

/** Five partitions over two minutes of hour 12, sealed and closed at 13:10. */
async function closedHourOfFivePartitions(store: CaptureStore) {
  const lake = lakeOn(store);
  const partitions = ['0', '1', '2', '3', '4'];
  await lake.deliver(partitions, 12, 5, 3);
  await lake.deliver(partitions, 12, 40, 2);
  await lake.sealAt(at(13, 10));
  return lake;
}

/** Every raw record as `partition/position`. */
async function rawKeys(store: CaptureStore): Promise<string[]> {
  const lines = await readLines(store.objects, 'raw/');
  return lines
    .map(({ value }) => value as { partition: string; position: number })
    .map(({ partition, position }) => `${partition}/${position}`)
    .sort();
}

/**
 * What a reader of the compacted lake sees: the rows of the files the Delta log lists, as DuckDB reads
 * them, and which groups wrote which partitions' raw objects.
 */
async function compactedLake(store: CaptureStore) {
  const rows = await readCompactedRows(store.objects, TOPIC.name);
  const units = await committedUnits(store.objects, TOPIC.name);
  const partitionsByGroup = Object.fromEntries(
    units.map((unit) => [unit.group, [...new Set(unit.rawObjects.map((object) => object.partition))].sort()]),
  );
  return {
    keys: rows.map((row) => `${row._partition}/${row._position}`).sort(),
    partitionsByGroup,
    coveredRawObjects: units.flatMap((unit) => unit.rawObjects.map((object) => object.path)).sort(),
    unlisted: await unlistedParquetFiles(store.objects, TOPIC.name),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Compaction fan-out on Azure: the timer queues one message per group, the queue function compacts each', () => {
  it('covers every record of a closed hour exactly once, in disjoint per-group files and commits (Azurite)', async () => {
    // Prepare
    const store = await freshAzuriteStore();
    const lake = await closedHourOfFivePartitions(store);
    const queue = compactionQueueOutput(TOPIC);
    const logFile = join(await mkdtemp(join(tmpdir(), 'fan-out-')), 'invocations.jsonl');
    const timer = localInvocation('compact-timer', {}, logFile);

    // Act: the timer, then every message at once, as JSON the way the queue carries it.
    const dispatched = await createCompactTimerHandler(lake.getContext, queue)(null, timer);
    const messages = timer.extraOutputs.get(queue) as CompactionGroupMessage[];
    const compactGroup = createCompactGroupHandler(lake.getContext);
    const summaries = await Promise.all(
      messages.map((message) =>
        compactGroup(JSON.parse(JSON.stringify(message)), localInvocation('compact-group', {}, logFile)),
      ),
    );

    // Assess
    expect(dispatched).toEqual({ groups: 3, partitions: 5 });
    expect(messages.map((message) => message.partitions)).toEqual([
      ['0', '1'],
      ['2', '3'],
      ['4', '5'],
    ]);
    const compacted = await compactedLake(store);
    expect(compacted.partitionsByGroup).toEqual({ 'p0.1': ['0', '1'], 'p2.3': ['2', '3'], 'p4.5': ['4'] });
    expect(compacted.keys).toEqual(await rawKeys(store));
    expect(new Set(compacted.coveredRawObjects).size).toBe(compacted.coveredRawObjects.length);
    expect(compacted.coveredRawObjects).toEqual((await store.objects.list('raw/')).sort());
    expect(compacted.unlisted).toEqual([]);
    expect(summaries.map((summary) => summary.rowsWritten)).toEqual([10, 10, 5]);
    const lines = (await readFile(logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ event: 'capture.compaction-dispatch', groups: 3, partitions: 5 });
    expect(lines.slice(1).map((line) => [line.event, line.function, line.partitions])).toEqual(
      expect.arrayContaining([
        ['capture.compaction', 'compact-group', ['0', '1']],
        ['capture.compaction', 'compact-group', ['2', '3']],
        ['capture.compaction', 'compact-group', ['4', '5']],
      ]),
    );
  });

  it('refuses a message without partitions with a permanent error that says what a group message is', async () => {
    // Prepare
    const store = await freshFsStore();
    const lake = lakeOn(store);
    const logFile = join(await mkdtemp(join(tmpdir(), 'fan-out-')), 'invocations.jsonl');

    // Act
    const run = createCompactGroupHandler(lake.getContext)(
      { topic: 'payments' },
      localInvocation('compact-group', {}, logFile),
    );

    // Assess
    await expect(run).rejects.toThrow('a worker compacts one partition group');
    await expect(run).rejects.toMatchObject({ retriable: false });
    expect(JSON.parse(await readFile(logFile, 'utf8'))).toMatchObject({
      event: 'capture.failure',
      function: 'compact-group',
      retriable: false,
    });
  });
});

describe('Compaction fan-out on AWS: the dispatcher invokes the worker once per group, asynchronously', () => {
  it('covers every record of a closed hour exactly once, in disjoint per-group files and commits (S3 server)', async () => {
    // Prepare
    const store = await freshS3Store();
    const lake = await closedHourOfFivePartitions(store);
    const observability = observabilityFor(TOPIC.name);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const events: string[] = [];
    const dispatcher = createCompactDispatcherHandler(
      lake.getContext,
      async (message) => {
        events.push(JSON.stringify(message));
      },
      observability,
    );
    const worker = createCompactHandler(lake.getContext, observability);

    // Act: every event at once, parsed from its JSON payload, as parallel invocations would get it.
    const dispatched = await dispatcher({}, localLambdaContext('capture-payments-compaction-dispatcher'));
    const summaries: CompactionSummary[] = await Promise.all(
      events.map((event) =>
        worker(JSON.parse(event), localLambdaContext('capture-payments-compaction-worker')),
      ),
    );

    // Assess
    expect(dispatched).toEqual({ groups: 3, partitions: 5 });
    expect(events.map((event) => JSON.parse(event))).toEqual([
      { topic: 'payments', partitions: ['0', '1'] },
      { topic: 'payments', partitions: ['2', '3'] },
      { topic: 'payments', partitions: ['4', '5'] },
    ]);
    const compacted = await compactedLake(store);
    expect(compacted.partitionsByGroup).toEqual({ 'p0.1': ['0', '1'], 'p2.3': ['2', '3'], 'p4.5': ['4'] });
    expect(compacted.keys).toEqual(await rawKeys(store));
    expect(compacted.coveredRawObjects).toEqual((await store.objects.list('raw/')).sort());
    expect(compacted.unlisted).toEqual([]);
    expect(summaries.reduce((sum, summary) => sum + summary.rowsWritten, 0)).toBe(25);
  });

  it('refuses the scheduled event itself, so a worker wired to the schedule fails loudly', async () => {
    // Prepare
    const store = await freshFsStore();
    const lake = lakeOn(store);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const worker = createCompactHandler(lake.getContext, observabilityFor(TOPIC.name));

    // Act
    const run = worker(
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      localLambdaContext('capture-payments-compaction-worker'),
    );

    // Assess
    await expect(run).rejects.toThrow('is not a partition group');
  });
});

describe('Function: azureCompactionFanOut (the local runner and npm run invoke -- compact)', () => {
  it('keeps a group and its names when a partition appears later, and sums what the groups did', async () => {
    // Prepare: partition 3 of group p2.3 receives its first records in hour 13.
    const store = await freshFsStore();
    const lake = lakeOn(store);
    await lake.deliver(['0', '1', '2'], 12, 20, 2);
    await lake.sealAt(at(13, 10));
    const compact = azureCompactionFanOut(
      lake.getContext,
      join(await mkdtemp(join(tmpdir(), 'fan-out-')), 'log'),
    );

    // Act
    const first = await compact();
    await lake.deliver(['0', '1', '2', '3'], 13, 20, 2);
    await lake.sealAt(at(14, 10));
    const second = await compact();

    // Assess
    expect(first).toMatchObject({ hoursCompacted: 2, rowsWritten: 6 });
    expect(second).toMatchObject({ hoursCompacted: 2, rowsWritten: 8 });
    const units = await committedUnits(store.objects, TOPIC.name);
    expect(units.map((unit) => `${unit.hour.slice(11, 13)} ${unit.group}`).sort()).toEqual([
      '12 p0.1',
      '12 p2.3',
      '13 p0.1',
      '13 p2.3',
    ]);
    expect((await compactedLake(store)).keys).toEqual(await rawKeys(store));
  });
});
