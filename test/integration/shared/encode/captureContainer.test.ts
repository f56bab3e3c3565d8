import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEventhubIngestHandler } from '../../../../functions/azure/eventhubIngest.js';
import { createSealTimerHandler } from '../../../../functions/azure/sealTimer.js';
import { AVRO_PYTHON, ensureAvroTools } from '../../../../local/emulators/avroTools.js';
import { SimulatedCrash } from '../../../../local/faults/crashingStore.js';
import {
  eventHubsDelivery,
  type PartitionEvent,
} from '../../../../local/platforms/azure/eventHubsDelivery.js';
import { localInvocation } from '../../../../local/platforms/azure/invocationContext.js';
import type { TopicConfigInput } from '../../../../shared/config/schema.js';
import { CAPTURE_SCHEMA_JSON } from '../../../../shared/encode/captureEventData.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import type { CaptureStore, ObjectStore } from '../../../../shared/store.js';
import { eventPath } from '../../../helpers/eventHubsBatches.js';
import { topicConfig } from '../../../helpers/factories.js';
import { freshAzuriteStore, freshFsStore } from '../../../helpers/freshStores.js';

const run = promisify(execFile);
const script = (name: string) => fileURLToPath(new URL(`../../../helpers/readers/${name}`, import.meta.url));

/** What fastavro (test/helpers/readers/fastavroDump.py) read from a file. */
interface FastavroFile {
  path: string;
  codec: string;
  metadataKeys: string[];
  schema: string;
  records: Record<string, unknown>[];
}

async function python<T>(name: string, args: readonly string[]): Promise<T> {
  const { stdout } = await run(AVRO_PYTHON, [script(name), ...args], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as T;
}

/** The visible objects of a store copied into a folder, under their names: what a consumer downloads. */
async function download(objects: ObjectStore, prefix: string): Promise<{ folder: string; files: string[] }> {
  const folder = await mkdtemp(join(tmpdir(), 'capture-download-'));
  const files: string[] = [];
  for (const path of await objects.list(prefix)) {
    const file = join(folder, ...path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, await objects.read(path));
    files.push(file);
  }
  return { folder, files };
}

const MINUTE_START = Date.UTC(2026, 10, 21, 12, 0, 0);
const DEVICES = ['dev-a', 'dev-b', 'dev-c'];

/** Telemetry like the Capture quickstart's sender: one JSON reading per event, keyed by device. */
function telemetry(sequenceNumber: number): PartitionEvent {
  const device = DEVICES[sequenceNumber % DEVICES.length] as string;
  return {
    sequenceNumber,
    offset: 4294967296 + sequenceNumber * 512,
    enqueuedTimeMs: MINUTE_START + 1000 + sequenceNumber * 731,
    partitionKey: device,
    body: Buffer.from(
      JSON.stringify({ id: device, temperature: 70 + sequenceNumber, uv: sequenceNumber / 10 }),
    ),
    properties: { tenantId: 'contoso', schemaVersion: 2, retried: sequenceNumber % 2 === 0 },
  };
}

/**
 * The Event Hubs function and the seal timer, as the Functions host calls them, on one topic:
 * three invocations stage segments of one minute, the timer publishes it, and one record comes
 * after the minute is sealed (a late object).
 */
async function captureThreeInvocations(store: CaptureStore, overrides: Partial<TopicConfigInput>) {
  let now = MINUTE_START + 30_000;
  const context: CaptureContext = {
    topic: topicConfig({
      name: 'telemetry',
      format: 'avro-capture',
      layout: 'capture',
      capture: { namespace: 'contoso-ingest' },
      maxSegmentBytes: 400,
      ...overrides,
    }),
    store,
    clock: () => now,
  };
  // The functions' log lines are not what these tests look at.
  const quiet = (name: string, metadata: Record<string, unknown>) =>
    Object.assign(localInvocation(name, metadata, null), { log: () => undefined, error: () => undefined });
  const ingest = (events: PartitionEvent[]) => {
    const delivery = eventHubsDelivery(
      { eventHubName: 'telemetry', consumerGroup: '$Default', partitionId: '3' },
      events,
    );
    return createEventhubIngestHandler(async () => context)(
      delivery.messages,
      quiet('eventhub-ingest', delivery.triggerMetadata),
    );
  };
  const seal = () => createSealTimerHandler(async () => context)(null, quiet('seal-timer', {}));
  for (const batch of [
    [0, 1, 2, 3],
    [4, 5, 6],
    [7, 8],
  ])
    await ingest(batch.map(telemetry));
  now = MINUTE_START + 5 * 60_000;
  await seal();
  await ingest([telemetry(9)]);
  now += 5 * 60_000;
  await seal();
  return context;
}

beforeAll(() => ensureAvroTools(), 180_000);

describe.each([
  ['filesystem', freshFsStore],
  ['Azurite', freshAzuriteStore],
] as const)('Format: avro-capture on the %s store, read by independent readers', (_name, makeStore) => {
  it.each([
    ['none', 'null'],
    ['gzip', 'deflate'],
  ] as const)(
    'writes Capture files that fastavro reads back exactly (compression %s, codec %s)',
    async (compression, codec) => {
      // Prepare
      const store = await makeStore();

      // Act
      await captureThreeInvocations(store, { compression });
      const { files } = await download(store.objects, 'raw');
      const read = await python<FastavroFile[]>('fastavroDump.py', files);

      // Assess: Capture's names, one file for the minute and one late file
      expect(files.map((file) => file.slice(file.indexOf('/raw/') + 1))).toEqual([
        'raw/contoso-ingest/telemetry/3/2026/11/21/12/00/00-00000000000000000009.late.avro',
        'raw/contoso-ingest/telemetry/3/2026/11/21/12/00/00.avro',
      ]);
      const [late, minute] = read;
      expect(minute?.codec).toBe(codec);
      expect(minute?.metadataKeys).toEqual(['avro.codec', 'avro.schema']);
      expect(minute?.schema).toBe(CAPTURE_SCHEMA_JSON);
      expect(minute?.records.map((record) => record.SequenceNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(late?.records.map((record) => record.SequenceNumber)).toEqual([9]);
      const event = telemetry(4);
      expect(minute?.records[4]).toEqual({
        SequenceNumber: 4,
        Offset: String(event.offset),
        EnqueuedTimeUtc: '11/21/2026 12:00:03 PM',
        SystemProperties: { 'x-opt-partition-key': 'dev-b', 'x-opt-enqueued-time': event.enqueuedTimeMs },
        Properties: { tenantId: 'contoso', schemaVersion: 2, retried: 'True' },
        Body: { base64: event.body.toString('base64') },
      });
    },
  );

  it('reads like the real Capture file: same schema text, metadata, fields and value types', async () => {
    // Prepare
    const store = await makeStore();
    await captureThreeInvocations(store, { compression: 'none' });
    const { files } = await download(store.objects, 'raw');

    // Act
    const [sample, ours] = await python<FastavroFile[]>('fastavroDump.py', [
      eventPath('capture-sample.avro'),
      files.find((file) => file.endsWith('/00.avro')) as string,
    ]);

    // Assess
    expect(ours?.schema).toBe(sample?.schema);
    expect(ours?.metadataKeys).toEqual(sample?.metadataKeys);
    expect(ours?.codec).toBe(sample?.codec);
    const shape = (record: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(record).map(([field, value]) => [
          field,
          field === 'EnqueuedTimeUtc'
            ? /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/.test(value as string)
            : field === 'Offset'
              ? /^\d+$/.test(value as string)
              : typeof value,
        ]),
      );
    const sampleKeyed = sample?.records.find(
      (record) => 'x-opt-partition-key' in (record.SystemProperties as object),
    );
    expect(ours?.records.map(shape)).toEqual(ours?.records.map(() => sampleKeyed && shape(sampleKeyed)));
    const systemTypes = (record?: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries((record?.SystemProperties ?? {}) as Record<string, unknown>).map(([name, value]) => [
          name,
          Number.isInteger(value) ? 'long' : typeof value,
        ]),
      );
    expect(systemTypes(ours?.records[0])).toEqual(systemTypes(sampleKeyed));
  });

  it("is read unchanged by a consumer written like Microsoft's Capture quickstart", async () => {
    // Prepare
    const store = await makeStore();
    await captureThreeInvocations(store, { compression: 'gzip' });
    const { folder } = await download(store.objects, 'raw');

    // Act
    const consumed = await python<{
      files: { codec: string; schema: string }[];
      devices: Record<string, { SequenceNumber: number; partitionKey: string; reading: { id: string } }[]>;
    }>('captureConsumer.py', [folder]);

    // Assess
    expect(consumed.files).toHaveLength(2);
    for (const file of consumed.files)
      expect(file).toMatchObject({ codec: 'deflate', schema: CAPTURE_SCHEMA_JSON });
    for (const device of DEVICES) {
      const expected = [...Array(10).keys()].filter(
        (sequence) => sequence % DEVICES.length === DEVICES.indexOf(device),
      );
      expect(
        consumed.devices[device]?.map((reading) => reading.SequenceNumber).sort((a, b) => a - b),
      ).toEqual(expected);
      for (const reading of consumed.devices[device] ?? []) {
        expect(reading.partitionKey).toBe(device);
        expect(reading.reading.id).toBe(device);
      }
    }
  });
});

describe('Format: avro-capture headers when the sealer dies', () => {
  it('publishes one header after a crash between staging it and publishing, and leaves no staged file', async () => {
    // Prepare: the first publish of the run dies, after the object's header was staged
    const store = await freshFsStore();
    let crashed = false;
    const dying: CaptureStore = {
      ledger: store.ledger,
      objects: {
        ...store.objects,
        stage: store.objects.stage.bind(store.objects),
        publish: async (path, staged) => {
          if (!crashed && staged[0]?.includes('-header.')) {
            crashed = true;
            throw new SimulatedCrash(0);
          }
          return store.objects.publish(path, staged);
        },
      },
    };

    // Act: the platform delivers the same batches again and the timer runs again, as after any failure
    await captureThreeInvocations(dying, { compression: 'gzip' }).catch((error: unknown) => {
      if (!(error instanceof SimulatedCrash) && !((error as Error).cause instanceof SimulatedCrash))
        throw error;
    });
    await captureThreeInvocations(store, { compression: 'gzip' });

    // Assess
    expect(crashed).toBe(true);
    const { files } = await download(store.objects, 'raw');
    const read = await python<FastavroFile[]>('fastavroDump.py', files);
    expect(read.flatMap((file) => file.records.map((record) => record.SequenceNumber)).sort()).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(await store.objects.list('_staging')).toEqual([]);
  });
});
