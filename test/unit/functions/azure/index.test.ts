import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureHostRegistrations } from '../../../helpers/functionsHost.js';

const CONFIG = `
topics:
  - name: orders
    source: eventhub
    consumerGroup: capture
    eventHub: { name: orders-hub, connection: OrdersHub }
  - name: clicks
    source: kafka
    consumerGroup: capture-clicks
    kafka: { brokerList: ClicksBrokers, protocol: saslSsl, authenticationMode: scramSha512 }
`;

describe('Module: functions/azure/index (what the host receives)', () => {
  const host = captureHostRegistrations();
  let configPath = '';

  beforeAll(async () => {
    configPath = join(await mkdtemp(join(tmpdir(), 'capture-app-')), 'capture.config.yaml');
    await writeFile(configPath, CONFIG);
  });
  afterAll(() => host.restore());
  beforeEach(() => {
    host.registrations.length = 0;
    vi.resetModules();
    vi.stubEnv('CAPTURE_CONFIG', configPath);
  });

  it('registers a binary, batched Event Hubs trigger that holds its partition on failure, the seal timer and compaction', async () => {
    // Prepare
    vi.stubEnv('CAPTURE_TOPIC', 'orders');

    // Act
    await import('../../../../functions/azure/index.js');

    // Assess
    expect(host.registrations.map((registration) => registration.name)).toEqual([
      'eventhub-ingest',
      'seal-timer',
      'compact-timer',
      'compact-group',
    ]);
    const [ingest, timer, compaction, compactGroup] = host.registrations;
    expect(Object.values(ingest?.bindings ?? {})).toEqual([
      expect.objectContaining({
        type: 'eventHubTrigger',
        direction: 'in',
        eventHubName: 'orders-hub',
        connection: 'OrdersHub',
        consumerGroup: 'capture',
        cardinality: 'many',
        dataType: 'binary',
      }),
    ]);
    expect(ingest?.retryOptions).toMatchObject({ strategy: 'exponentialBackoff', maxRetryCount: -1 });
    expect(Object.values(timer?.bindings ?? {})).toEqual([
      expect.objectContaining({ type: 'timerTrigger', direction: 'in', schedule: '30 * * * * *' }),
    ]);
    expect(timer?.retryOptions).toBeUndefined();
    expect(Object.values(compaction?.bindings ?? {})).toEqual([
      expect.objectContaining({ type: 'timerTrigger', direction: 'in', schedule: '0 10 * * * *' }),
      expect.objectContaining({
        type: 'queue',
        direction: 'out',
        queueName: 'capture-compaction',
        connection: 'LakeStorage',
      }),
    ]);
    expect(Object.values(compactGroup?.bindings ?? {})).toEqual([
      expect.objectContaining({
        type: 'queueTrigger',
        direction: 'in',
        queueName: 'capture-compaction',
        connection: 'LakeStorage',
      }),
    ]);
    // The queue's own dequeue count retries a failed group; a retry policy is not for queue triggers.
    expect(compactGroup?.retryOptions).toBeUndefined();
  });

  it('registers the Kafka trigger generically, batched, with settings by reference and a retry policy', async () => {
    // Prepare
    vi.stubEnv('CAPTURE_TOPIC', 'clicks');

    // Act
    await import('../../../../functions/azure/index.js');

    // Assess
    expect(host.registrations.map((registration) => registration.name)).toEqual([
      'kafka-ingest',
      'seal-timer',
      'compact-timer',
      'compact-group',
    ]);
    const [ingest] = host.registrations;
    expect(Object.values(ingest?.bindings ?? {})).toEqual([
      expect.objectContaining({
        type: 'kafkaTrigger',
        direction: 'in',
        topic: 'clicks',
        brokerList: '%ClicksBrokers%',
        consumerGroup: 'capture-clicks',
        protocol: 'saslSsl',
        authenticationMode: 'scramSha512',
        username: '%KafkaUsername%',
        password: '%KafkaPassword%',
        cardinality: 'many',
        dataType: 'binary',
      }),
    ]);
    expect(ingest?.retryOptions).toMatchObject({ strategy: 'exponentialBackoff', maxRetryCount: -1 });
  });

  it('keeps failed Kafka batches uncommitted and retried without end through host.json', async () => {
    // Act
    const hostJson = JSON.parse(await readFile('host.json', 'utf8'));

    // Assess
    expect(hostJson.extensions.kafka).toMatchObject({ commitOnFailure: false, maxRetries: -1 });
    // One compaction group at a time per instance, whose memory then holds one group's row group.
    expect(hostJson.extensions.queues).toMatchObject({
      batchSize: 1,
      newBatchThreshold: 0,
      maxDequeueCount: 5,
    });
    // Batches of 20,000 to 25,000 events or a minute: each batch stages a blob and logs a line, so
    // fewer, larger batches are most of what a busy topic pays (npm run bench); the minute's wait
    // keeps the seal bound. The prefetch holds one batch per partition. Target-based scaling would
    // take maxEventBatchSize as each instance's share of a backlog; the threshold keeps it where
    // batches of 10,000 put it, so a backlog still brings as many instances.
    expect(hostJson.extensions.eventHubs).toMatchObject({
      maxEventBatchSize: 25_000,
      minEventBatchSize: 20_000,
      maxWaitTime: '00:01:00',
      prefetchCount: 25_000,
      targetUnprocessedEventThreshold: 10_000,
    });
    // A checkpoint is a blob write per partition; after a restart the batches since it come again and
    // are recognised as redelivered, so checkpointing every fifth batch costs time, never records.
    expect(hostJson.extensions.eventHubs.batchCheckpointFrequency).toBe(5);
    // The host's own Executing/Executed traces are left out; the functions' one line per invocation stays.
    expect(hostJson.logging.logLevel).toMatchObject({
      'Function.eventhub-ingest': 'Warning',
      'Function.eventhub-ingest.User': 'Information',
    });
    expect(hostJson.extensionBundle.id).toBe('Microsoft.Azure.Functions.ExtensionBundle');
  });

  it('refuses to start when the app setting names a topic the file does not have', async () => {
    // Prepare
    vi.stubEnv('CAPTURE_TOPIC', 'payments');

    // Act & Assess
    await expect(import('../../../../functions/azure/index.js')).rejects.toThrow(
      `${configPath}: no topic named "payments" (the file lists: orders, clicks)`,
    );
    expect(host.registrations).toEqual([]);
  });

  it('asks for CAPTURE_TOPIC when the file lists several topics', async () => {
    // Prepare
    vi.stubEnv('CAPTURE_TOPIC', '');

    // Act & Assess
    await expect(import('../../../../functions/azure/index.js')).rejects.toThrow(
      'set the app setting CAPTURE_TOPIC',
    );
  });
});
