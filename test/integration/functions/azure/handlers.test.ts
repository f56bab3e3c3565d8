import { describe, expect, it } from 'vitest';
import { createEventhubIngestHandler } from '../../../../functions/azure/eventhubIngest.js';
import { createKafkaIngestHandler } from '../../../../functions/azure/kafkaIngest.js';
import { createSealTimerHandler } from '../../../../functions/azure/sealTimer.js';
import {
  eventHubsDelivery,
  type PartitionEvent,
} from '../../../../local/platforms/azure/eventHubsDelivery.js';
import { localInvocation } from '../../../../local/platforms/azure/invocationContext.js';
import { readEventHubsEventFile, readKafkaEventFile } from '../../../../local/platforms/eventFiles.js';
import type { TopicConfigInput } from '../../../../shared/config/schema.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { createAzureStore } from '../../../../shared/stores/azure/createAzureStore.js';
import { topicConfig } from '../../../helpers/factories.js';
import { FRESH_STORES, freshFsStore } from '../../../helpers/freshStores.js';
import { readLines } from '../../../helpers/lakeReader.js';

const AT = Date.UTC(2026, 10, 21, 12, 0, 10);

async function harness(makeStore: () => Promise<CaptureStore>, overrides: Partial<TopicConfigInput> = {}) {
  const store = await makeStore();
  let now = AT;
  const context: CaptureContext = { topic: topicConfig(overrides), store, clock: () => now };
  const lines: string[] = [];
  const invocation = (name: string, metadata: Record<string, unknown> = {}) => {
    const context = localInvocation(name, metadata, null);
    // Capture what the function logs instead of printing it.
    Object.assign(context, { log: (...args: unknown[]) => lines.push(args.join(' ')) });
    return context;
  };
  return {
    store,
    lines,
    setNow: (time: number) => {
      now = time;
    },
    ingestEventHubs: (events: PartitionEvent[], partitionId = '0') => {
      const delivery = eventHubsDelivery(
        { eventHubName: 'orders', consumerGroup: '$Default', partitionId },
        events,
      );
      return createEventhubIngestHandler(async () => context)(
        delivery.messages,
        invocation('eventhub-ingest', delivery.triggerMetadata),
      );
    },
    seal: () => createSealTimerHandler(async () => context)(null, invocation('seal-timer')),
    context,
    invocation,
  };
}

const event = (
  sequenceNumber: number,
  body: Buffer,
  properties: Record<string, unknown> = {},
): PartitionEvent => ({
  sequenceNumber,
  offset: sequenceNumber * 1000,
  enqueuedTimeMs: AT + sequenceNumber,
  partitionKey: `k${sequenceNumber}`,
  body,
  properties,
});

describe.each(FRESH_STORES)('Function: eventhub-ingest on the %s store', (_name, makeStore) => {
  it('seals a real Event Hubs batch into one object per minute once the timer runs', async () => {
    // Prepare
    const test = await harness(makeStore, { jsonl: { envelope: true } });
    const file = readEventHubsEventFile('samples/events/eventhub-batch.json');
    const ingest = createEventhubIngestHandler(async () => test.context);

    // Act
    test.setNow(Date.UTC(2026, 10, 21, 12, 1, 30));
    const summary = await ingest(
      file.messages,
      test.invocation('eventhub-ingest', file.triggerMetadata as Record<string, unknown>),
    );
    test.setNow(Date.UTC(2026, 10, 21, 12, 10));
    await test.seal();

    // Assess
    const objects = await test.store.objects.list('raw');
    expect(objects).toEqual([
      'raw/orders/2026/11/21/12/00/3-00000000000000001187.jsonl.gz',
      'raw/orders/2026/11/21/12/01/3-00000000000000001190.jsonl.gz',
    ]);
    const lines = await readLines(test.store.objects, 'raw');
    expect(lines.map(({ value }) => (value as { position: number }).position)).toEqual([
      1187, 1188, 1189, 1190, 1191,
    ]);
    expect(lines[0]?.value).toMatchObject({
      partition: '3',
      key: 'cust-1042',
      timestamp: '2026-11-21T12:00:01.123Z',
    });
    expect(summary).toMatchObject({ records: 5, segmentsStaged: 2, deadLetters: {} });
  });

  it('dead-letters bad bodies with their reason and keeps the partition flowing', async () => {
    // Prepare
    const test = await harness(makeStore, { maxRecordBytes: '1 MiB' });
    const tenMegabytes = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const batch = [
      event(1, Buffer.from('{"ok":1}'), { 'odd/../header': Buffer.from([0xff, 0xfe]), 'null-prop': null }),
      event(2, Buffer.from('{"broken":')),
      event(3, Buffer.alloc(0)),
      event(4, tenMegabytes),
      event(5, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])),
      event(6, Buffer.from('{"ok":2}')),
    ];

    // Act
    const summary = await test.ingestEventHubs(batch);
    test.setNow(AT + 3_600_000);
    await test.seal();

    // Assess
    expect(summary.deadLetters).toEqual({
      'invalid-json': 1,
      'empty-body': 1,
      'too-large': 1,
      'not-utf8': 1,
    });
    const raw = await readLines(test.store.objects, 'raw');
    expect(raw.map(({ value }) => value)).toEqual([{ ok: 1 }, { ok: 2 }]);
    const dead = (await readLines(test.store.objects, 'deadletter')).map(
      ({ value }) => value as { reason: string; position: number; bodyBase64: string },
    );
    expect(dead.map(({ reason, position }) => [reason, position])).toEqual([
      ['invalid-json', 2],
      ['empty-body', 3],
      ['too-large', 4],
      ['not-utf8', 5],
    ]);
    expect(Buffer.from(dead[2]?.bodyBase64 ?? '', 'base64').equals(tenMegabytes)).toBe(true);
    expect(test.lines.map((line) => JSON.parse(line).event)).toEqual([
      'capture.invocation',
      'capture.invocation',
    ]);
  });

  it('keeps odd header values and non-JSON bodies in envelopes when the topic says keep', async () => {
    // Prepare
    const test = await harness(makeStore, { jsonl: { envelope: true, nonJsonBodies: 'keep' } });

    // Act
    await test.ingestEventHubs([
      event(1, Buffer.from('plain text'), { binary: Buffer.from([0x00, 0xff]), count: 3, flag: true }),
      event(2, Buffer.from([0xc3, 0x28])),
    ]);
    test.setNow(AT + 3_600_000);
    await test.seal();

    // Assess
    const lines = (await readLines(test.store.objects, 'raw')).map(({ value }) => value);
    expect(lines).toEqual([
      expect.objectContaining({
        bodyText: 'plain text',
        headers: [
          { name: 'binary', value: { base64: 'AP8=' } },
          { name: 'count', value: 3 },
          { name: 'flag', value: true },
        ],
      }),
      expect.objectContaining({ bodyBase64: 'wyg=' }),
    ]);
    expect(await test.store.objects.list('deadletter')).toEqual([]);
  });

  it('writes nothing twice when the same batch is delivered again after success', async () => {
    // Prepare
    const test = await harness(makeStore);
    const batch = [event(1, Buffer.from('{"n":1}')), event(2, Buffer.from('{"n":2}'))];

    // Act
    await test.ingestEventHubs(batch);
    const again = await test.ingestEventHubs(batch);
    test.setNow(AT + 3_600_000);
    await test.seal();

    // Assess
    expect(again).toMatchObject({ records: 2, redelivered: 2, segmentsStaged: 0 });
    expect((await readLines(test.store.objects, 'raw')).map(({ value }) => value)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
  });
});

describe('Function: eventhub-ingest, an event hub recreated', () => {
  it('logs capture.positions-restarted as a warning trace with the old and new positions', async () => {
    // Prepare: sequence numbers 0 to 3, then, an hour later, 0 to 1 of the hub created again
    const test = await harness(freshFsStore, { jsonl: { envelope: true } });
    const warnings: string[] = [];
    const first = [0, 1, 2, 3].map((n) => event(n, Buffer.from(`{"n":${n}}`)));
    await test.ingestEventHubs(first);
    const hourLater = (n: number) => ({
      ...event(n, Buffer.from(`{"again":${n}}`)),
      enqueuedTimeMs: AT + 3_600_000 + n,
    });
    test.setNow(AT + 3_600_010);
    const delivery = eventHubsDelivery(
      { eventHubName: 'orders', consumerGroup: '$Default', partitionId: '0' },
      [hourLater(0), hourLater(1)],
    );
    const invocation = test.invocation('eventhub-ingest', delivery.triggerMetadata);
    Object.assign(invocation, { warn: (...args: unknown[]) => warnings.push(args.join(' ')) });

    // Act
    const summary = await createEventhubIngestHandler(async () => test.context)(
      delivery.messages,
      invocation,
    );

    // Assess
    expect(summary.positionRestarts).toHaveLength(1);
    expect(warnings.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        event: 'capture.positions-restarted',
        function: 'eventhub-ingest',
        partition: '0',
        previousStagedThrough: 3,
        firstPosition: 0,
        generation: 1,
      }),
    ]);
    expect(test.lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ event: 'capture.invocation', positionRestarts: 0 }),
      expect.objectContaining({ event: 'capture.invocation', positionRestarts: 1 }),
    ]);
  });
});

describe('Function: kafka-ingest', () => {
  it('captures a real Azure Kafka trigger batch over two partitions', async () => {
    // Prepare
    const test = await harness(freshFsStore, {
      name: 'clicks', // the topic the sample's events name
      source: 'kafka',
      jsonl: { envelope: true },
    });
    const file = readKafkaEventFile('samples/events/kafka-batch.json');

    // Act
    const summary = await createKafkaIngestHandler(async () => test.context)(
      file.events,
      test.invocation('kafka-ingest'),
    );
    test.setNow(Date.UTC(2030, 0, 1));
    await test.seal();

    // Assess
    const lines = (await readLines(test.store.objects, 'raw')).map(
      ({ value }) => value as { partition: string; offset: string },
    );
    expect(lines).toHaveLength(file.events.length);
    expect(new Set(lines.map((line) => line.partition)).size).toBe(2);
    expect(summary.records).toBe(file.events.length);
  });
});

describe('Function: seal-timer', () => {
  it('fails with a retriable error, and loses nothing, when storage is unreachable', async () => {
    // Prepare: a connection string pointing at a closed port
    const store = await createAzureStore(
      { container: 'unreachable', ledgerTable: 'captureledger', connection: 'LakeStorage' },
      {
        LakeStorage:
          'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
      },
    );
    const context: CaptureContext = { topic: topicConfig(), store, clock: () => AT };
    const errors: string[] = [];
    const invocation = localInvocation('seal-timer', {}, null);
    Object.assign(invocation, { error: (...args: unknown[]) => errors.push(args.join(' ')) });

    // Act
    const run = createSealTimerHandler(async () => context)(null, invocation);

    // Assess
    await expect(run).rejects.toMatchObject({ retriable: true });
    expect(JSON.parse(errors[0] ?? '{}')).toMatchObject({ event: 'capture.failure', retriable: true });
  });
});

describe('Function: kafka-ingest with producer timestamps', () => {
  it('places a record without a usable timestamp by its arrival time and counts it', async () => {
    // Prepare
    const test = await harness(freshFsStore, {
      source: 'kafka',
      jsonl: { envelope: true },
    });
    const arrival = Date.UTC(2026, 10, 21, 13, 30, 5);
    test.setNow(arrival);
    const events = [0, 1].map((offset) => ({
      Offset: offset,
      Partition: 0,
      Topic: 'orders',
      Timestamp: offset === 0 ? -1 : '2026-11-21T13:00:00Z',
      Key: null,
      Value: `{"n":${offset}}`,
      Headers: [],
    }));

    // Act
    const summary = await createKafkaIngestHandler(async () => test.context)(
      events,
      test.invocation('kafka-ingest'),
    );
    test.setNow(arrival + 3_600_000);
    await test.seal();

    // Assess
    expect(summary.arrivalTimeFallbacks).toBe(1);
    expect(await test.store.objects.list('raw')).toEqual([
      'raw/orders/2026/11/21/13/00/0-00000000000000000001.jsonl.gz',
      'raw/orders/2026/11/21/13/30/0-00000000000000000000.jsonl.gz',
    ]);
  });
});
