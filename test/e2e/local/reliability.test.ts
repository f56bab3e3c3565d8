import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditLake } from '../../../local/audit/lakeAudit.js';
import { FAULT_KINDS, type FaultKind } from '../../../local/faults/faultProxy.js';
import {
  offsetsInTopic,
  runKafkaReliability,
  startReliabilityBroker,
} from '../../../local/reliability/kafkaRun.js';
import { runReliability } from '../../../local/reliability/run.js';
import { produceGeneratedEvents } from '../../../local/sources/kafka/producer.js';
import { localKafkaTopic, runKafkaSource } from '../../../local/sources/kafka/source.js';
import { TransientStoreError } from '../../../shared/errors.js';
import type { CaptureStore } from '../../../shared/store.js';
import { createFsStore } from '../../../shared/stores/fs/createFsStore.js';

const injected = (faults: Record<FaultKind, number>) =>
  Object.values(faults).reduce((sum, count) => sum + count, 0);

/** Every raw record one row of the compacted lake, every raw object covered by one committed unit. */
const compactedExactlyOnce = (records: number) => ({
  rowsIn: records,
  rowsOut: records,
  duplicates: 0,
  losses: 0,
  unexpected: 0,
  rawObjectsUncovered: 0,
  rawObjectsCoveredTwice: 0,
});

describe('Command: npm run reliability (short version)', () => {
  it.each([
    ['azurite', 'azure'],
    ['s3', 'aws'],
  ] as const)(
    'captures 5000 events into %s through 10% storage faults, each (partition, position) exactly once, and compacts them through the faults',
    async (store, platform) => {
      // Act
      const report = await runReliability({
        store,
        events: 5000,
        partitions: 4,
        faultRate: 0.1,
        seed: 7,
        // Small batches mean more invocations, so faults reach the functions and not only the SDK's retries.
        batchSize: 50,
        emulators: {
          azuriteConnectionString: inject('azuriteConnectionString'),
          s3Endpoint: inject('s3Endpoint'),
          dynamodbEndpoint: inject('dynamodbEndpoint'),
        },
      });

      // Assess
      expect(report).toMatchObject({
        platform,
        recordsIn: 5000,
        recordsOut: 5000,
        duplicates: 0,
        losses: 0,
        unexpected: 0,
        deadLettersByReason: {},
        compaction: compactedExactlyOnce(5000),
      });
      // The run proves something only if every kind of fault happened and some reached the functions.
      for (const kind of FAULT_KINDS) expect(report.faults[kind], kind).toBeGreaterThan(0);
      expect(report.invocationsRetried).toBeGreaterThan(0);
      expect(injected(report.compaction.faults)).toBeGreaterThan(0);
    },
  );
});

describe('Command: npm run reliability -- --source kafka (short version)', () => {
  let broker: Awaited<ReturnType<typeof startReliabilityBroker>> | undefined;

  // Only this test needs a broker here; CI installs Kafka beforehand (npm run kafka:install).
  beforeAll(async () => {
    broker = await startReliabilityBroker();
  }, 240_000);

  const folders: string[] = [];
  const scratch = async (prefix: string) => {
    const folder = await mkdtemp(join(tmpdir(), prefix));
    folders.push(folder);
    return folder;
  };

  afterAll(async () => {
    await broker?.stop();
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  // The Azure Kafka trigger's event shape; the generator runs above cover the MSK shape on S3.
  it('captures 1000 events of a Kafka topic into azurite through 10% storage faults with the Azure Kafka trigger, each (partition, offset) exactly once, and compacts them through the faults', async () => {
    // Act
    const report = await runKafkaReliability({
      store: 'azurite',
      events: 1000,
      partitions: 4,
      faultRate: 0.1,
      seed: 7,
      batchSize: 100,
      emulators: { azuriteConnectionString: inject('azuriteConnectionString') },
      kafkaBootstrap: broker?.bootstrap,
    });

    // Assess: the idempotent producer writes a retried send once, so the topic holds the 1000 records.
    expect(report.recordsIn).toBe(1000);
    expect(report).toMatchObject({
      source: 'kafka',
      platform: 'azure',
      recordsOut: report.recordsIn,
      duplicates: 0,
      losses: 0,
      unexpected: 0,
      deadLettersByReason: {},
      compaction: compactedExactlyOnce(report.recordsIn),
    });
    // Faults happened in both phases, counted apart.
    expect(injected(report.faults)).toBeGreaterThan(0);
    expect(injected(report.compaction.faults)).toBeGreaterThan(0);
    expect(report.invocations).toBeGreaterThan(1000 / 100);
  }, 120_000);

  it('drains a topic when runs of the seal timer fail, as npm run local -- --source kafka --until-drained', async () => {
    // Prepare: a topic, and a lake whose every object fails its first publish, as an outage would
    const bootstrap = broker?.bootstrap ?? '';
    const topic = `drain-${Date.now().toString(36)}`;
    await produceGeneratedEvents({
      brokers: [bootstrap],
      topic,
      events: 200,
      partitions: 2,
      rate: 500,
      seed: 3,
    });
    const lake = await scratch('capture-drain-');
    const store = firstPublishFails(createFsStore(lake));

    // Act
    await runKafkaSource({
      brokers: [bootstrap],
      platform: 'aws',
      topic: localKafkaTopic(undefined, topic),
      store,
      logFile: join(await scratch('capture-drain-log-'), 'invocations.jsonl'),
      untilDrained: true,
      retryBackoff: { firstDelayMs: 10, maxDelayMs: 100 },
    });

    // Assess: the objects the failed runs left were published by the next runs, each offset once
    const expected = await offsetsInTopic(bootstrap, topic);
    const audit = await auditLake(store.objects, await scratch('capture-drain-audit-'), expected);
    expect(store.publishFailures()).toBeGreaterThan(0);
    expect(audit).toMatchObject({ recordsOut: expected.size, duplicates: 0, losses: 0, unexpected: 0 });
  });
});

/** The store, where the first publish of each path fails with a transient error before reaching it. */
function firstPublishFails(store: CaptureStore): CaptureStore & { publishFailures(): number } {
  const attempted = new Set<string>();
  return {
    ledger: store.ledger,
    objects: {
      stage: (path, body) => store.objects.stage(path, body),
      deleteStaged: (paths) => store.objects.deleteStaged(paths),
      deleteTableMetadata: (paths) => store.objects.deleteTableMetadata(paths),
      replace: (path, body) => store.objects.replace(path, body),
      list: (prefix) => store.objects.list(prefix),
      read: (path) => store.objects.read(path),
      publish: async (path, staged) => {
        if (attempted.has(path)) return store.objects.publish(path, staged);
        attempted.add(path);
        throw new TransientStoreError(`injected: the first publish of ${path} fails`);
      },
    },
    publishFailures: () => attempted.size,
  };
}
