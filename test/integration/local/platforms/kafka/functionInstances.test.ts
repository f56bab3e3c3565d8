import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FetchedRecord } from '../../../../../local/platforms/kafka/batches.js';
import { startFunctionInstances } from '../../../../../local/platforms/kafka/functionInstances.js';
import type { InstanceSetup } from '../../../../../local/platforms/kafka/instanceThread.js';
import { kafkaPlatformFunctions } from '../../../../../local/platforms/kafka/triggerFunctions.js';
import { localKafkaTopic } from '../../../../../local/sources/kafka/source.js';
import { createFsStore } from '../../../../../shared/stores/fs/createFsStore.js';

const TOPIC = localKafkaTopic(undefined, 'orders');

const records: FetchedRecord[] = Array.from({ length: 3 }, (_, offset) => ({
  partition: 1,
  offset,
  timestamp: Date.UTC(2026, 11, 6, 12, 0, offset),
  timestampType: 'CREATE_TIME',
  key: Buffer.from(`user-${offset}`),
  value: Buffer.from(JSON.stringify({ order: offset })),
  headers: [{ name: 'source', value: Buffer.from('shop') }],
}));

describe('Function instances in threads of their own (local Kafka runner)', () => {
  const folders: string[] = [];
  /** A lake folder with the log folder the runner makes for it. */
  const scratch = async () => {
    const folder = await mkdtemp(join(tmpdir(), 'capture-instances-'));
    folders.push(folder);
    await mkdir(join(folder, '_logs'));
    return folder;
  };
  const setupFor = (root: string, platform: 'azure' | 'aws' = 'azure'): InstanceSetup => ({
    platform,
    topic: TOPIC,
    lake: { kind: 'fs', root },
    brokers: ['127.0.0.1:9092'],
    logFile: join(root, '_logs', 'invocations.jsonl'),
  });

  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it.each(['azure', 'aws'] as const)(
    "stage a batch (%s shape) as the function in the runner's own thread does, and log its invocation",
    async (platform) => {
      // Prepare
      const [threaded, inThread] = [await scratch(), await scratch()];
      const pool = await startFunctionInstances(2, setupFor(threaded, platform));
      const local = kafkaPlatformFunctions(
        platform,
        { topic: TOPIC, store: createFsStore(inThread), clock: Date.now },
        setupFor(inThread, platform),
      );

      // Act
      const second = pool.instances[1];
      if (second === undefined) throw new Error('two instances were asked for');
      const [summary, cpuAfterBatch] = await second
        .ingest(records)
        // The threads' CPU since they were ready, as their replies reported it.
        .then((done) => [done, pool.cpuSeconds()] as const)
        .finally(() => pool.close());
      const expected = await local.ingest(records);

      // Assess
      const figures = ({
        records: count,
        bytesIn,
        bytesOut,
        segmentsStaged,
        partitions,
      }: typeof expected) => ({
        count,
        bytesIn,
        bytesOut,
        segmentsStaged,
        partitions,
      });
      expect(figures(summary)).toEqual(figures(expected));
      expect(expected.records).toBe(3);
      const logged = await readFile(setupFor(threaded).logFile, 'utf8');
      expect(logged).toContain('"records":3');
      expect(cpuAfterBatch).toBeGreaterThan(0);
    },
  );

  it('reject a failed invocation with its message, and take the next batch', async () => {
    // Prepare: the lake's root is a file, so every write fails
    const root = join(await scratch(), 'not-a-folder');
    await writeFile(root, '');
    const pool = await startFunctionInstances(1, setupFor(root));
    try {
      // Act
      const first = pool.instances[0]?.ingest(records);
      await expect(first).rejects.toThrow(/ENOTDIR|not a directory/);
      const second = pool.instances[0]?.ingest(records);

      // Assess: the instance answered the batch sent after the failure, with its own failure
      await expect(second).rejects.toThrow(/ENOTDIR|not a directory/);
    } finally {
      await pool.close();
    }
  });

  it('refuse a batch at once, saying to run again, once their threads have ended', async () => {
    const pool = await startFunctionInstances(1, setupFor(await scratch()));
    await pool.close();

    await expect(pool.instances[0]?.ingest(records)).rejects.toThrow(/ended .*run it again/);
  });

  it('fail to start, naming the instance, when one cannot open its lake', async () => {
    const setup: InstanceSetup = {
      ...setupFor(await scratch()),
      lake: { kind: 'azurite', storage: TOPIC.storage, connectionString: 'not a connection string' },
    };

    await expect(startFunctionInstances(2, setup)).rejects.toThrow(/function instance \d failed: .+/);
  });
});
