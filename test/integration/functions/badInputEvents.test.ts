import { describe, expect, it } from 'vitest';
import type { CaptureContext } from '../../../shared/pipeline/context.js';
import type { CaptureStore } from '../../../shared/store.js';
import { ARRIVAL } from '../../helpers/badInputCorpus.js';
import {
  capturePlatform,
  type DeliveredRecord,
  type EventHubsInvocation,
  PLATFORM_NAMES,
  type PlatformName,
} from '../../helpers/capturePlatforms.js';
import { auditDelivery, readLakeLines } from '../../helpers/deliveryAudit.js';
import { topicConfig } from '../../helpers/factories.js';
import { freshFsStore } from '../../helpers/freshStores.js';

const TOPIC = 'orders';
const MINUTE = 60_000;

/** A platform's handlers on a fresh filesystem lake, with a clock the test moves. */
async function platformOnFreshLake(name: PlatformName) {
  const store = await freshFsStore();
  let now = ARRIVAL;
  const context: CaptureContext = {
    topic: topicConfig({
      name: TOPIC,
      source: name === 'eventhub' ? 'eventhub' : 'kafka',
      jsonl: { envelope: true },
    }),
    store,
    clock: () => now,
  };
  return {
    store,
    platform: capturePlatform(name, context),
    setNow: (time: number) => {
      now = time;
    },
  };
}

const record = (partition: number, offset: number, brokerTime = ARRIVAL - 5_000): DeliveredRecord => ({
  partition,
  offset,
  body: Buffer.from(JSON.stringify({ partition, offset })),
  brokerTime,
});

const positionsIn = async (store: CaptureStore, prefix: string) =>
  (await auditedLines(store, prefix)).map((line) => `${line.value.partition}:${line.value.position}`);

async function auditedLines(store: CaptureStore, prefix: string) {
  return (await readLakeLines(store.objects))
    .filter((line) => line.path.startsWith(prefix))
    .map((line) => ({ ...line, value: JSON.parse(line.text) as Record<string, unknown> }));
}

/** What is wrong with an event, done to it in place, and what the error must say. */
type Mutation<Event> = readonly [description: string, mutate: (event: Event) => void, message: RegExp];

const TWO_POW_53_PLUS_2 = 2 ** 53 + 2;

/** Event Hubs deliveries whose envelope is wrong: no record of them can be placed. */
const EVENT_HUBS_MUTATIONS: readonly Mutation<EventHubsInvocation>[] = [
  [
    'one body instead of a batch (cardinality one)',
    (event) => {
      Object.assign(event, { messages: event.messages[0] });
    },
    /messages is 27 bytes, not an array/,
  ],
  [
    'a negative sequence number',
    (event) => setIn(event.triggerMetadata.sequenceNumberArray, 0, -1),
    /sequenceNumberArray\[0\] is number -1, not a non-negative safe integer position/,
  ],
  [
    'a sequence number beyond 2^53',
    (event) => setIn(event.triggerMetadata.sequenceNumberArray, 0, '9007199254740993'),
    /sequenceNumberArray\[0\] is .*, not a non-negative safe integer position/,
  ],
  [
    'a sequence number that is not a number',
    (event) => setIn(event.triggerMetadata.sequenceNumberArray, 0, 'seven'),
    /sequenceNumberArray\[0\] is .*, not a non-negative safe integer position/,
  ],
  [
    'a path-like partition id',
    (event) => {
      Object.assign(event.triggerMetadata.partitionContext as object, { partitionId: '../../etc' });
    },
    /partitionContext\.partitionId is .*, not a partition id of 1 to 5 decimal digits/,
  ],
  [
    'an empty partition id',
    (event) => {
      Object.assign(event.triggerMetadata.partitionContext as object, { partitionId: '' });
    },
    /partitionContext\.partitionId is .*, not a partition id/,
  ],
  [
    'metadata arrays shorter than the batch',
    (event) => {
      Object.assign(event.triggerMetadata, { enqueuedTimeUtcArray: [] });
    },
    /2 messages but enqueuedTimeUtcArray has 0 entries/,
  ],
  [
    'no offsets at all',
    (event) => {
      Object.assign(event.triggerMetadata, { offsetArray: undefined });
    },
    /neither offsetStringArray nor offsetArray/,
  ],
  [
    'an offset that is a number beyond 2^53',
    (event) => setIn(event.triggerMetadata.offsetArray, 1, TWO_POW_53_PLUS_2),
    /offsetArray\[1\] is number 9007199254740994, not an offset/,
  ],
];

/** Azure Kafka batches whose KafkaEventData is wrong. */
const AZURE_KAFKA_MUTATIONS: readonly Mutation<Record<string, unknown>[]>[] = [
  ['a negative Offset', (events) => setField(events, 0, 'Offset', -1), /events\[0\]\.Offset is number -1/],
  [
    'an Offset beyond 2^53',
    (events) => setField(events, 1, 'Offset', '18446744073709551615'),
    /events\[1\]\.Offset is .*, not a non-negative safe integer position/,
  ],
  [
    'an Offset that is not a number',
    (events) => setField(events, 0, 'Offset', 'first'),
    /events\[0\]\.Offset is .*, not a non-negative safe integer position/,
  ],
  [
    'a path-like Partition',
    (events) => setField(events, 0, 'Partition', '../1'),
    /events\[0\]\.Partition is .*, not a partition id/,
  ],
  [
    'KafkaEventData text cut short',
    (events) => setIn(events, 0, '{"Offset":1,"Partition":0,'),
    /events\[0\] is text but not KafkaEventData JSON/,
  ],
  [
    'a header value that is not base64',
    (events) => setField(events, 0, 'Headers', [{ Key: 'k', Value: '%%%' }]),
    /events\[0\]\.Headers\[0\]\.Value is not valid base64/,
  ],
];

/** Lambda Kafka events whose records are wrong. */
const LAMBDA_MUTATIONS: readonly Mutation<{ records: Record<string, Record<string, unknown>[]> }>[] = [
  [
    'a negative offset',
    (event) => setField(event.records['orders-0'], 0, 'offset', -5),
    /\[0\]\.offset is number -5/,
  ],
  [
    'an offset beyond 2^53',
    (event) => setField(event.records['orders-0'], 1, 'offset', TWO_POW_53_PLUS_2),
    /records\["orders-0"\]\[1\]\.offset is number 9007199254740994, not a non-negative safe integer position/,
  ],
  [
    'an offset beyond 2^64 as text',
    (event) => setField(event.records['orders-0'], 1, 'offset', '18446744073709551616'),
    /records\["orders-0"\]\[1\]\.offset is .*, not a non-negative safe integer position/,
  ],
  [
    'an offset that is not a number',
    (event) => setField(event.records['orders-0'], 0, 'offset', '12a'),
    /records\["orders-0"\]\[0\]\.offset is .*, not a non-negative safe integer position/,
  ],
  [
    'a path-like partition',
    (event) => setField(event.records['orders-0'], 0, 'partition', '../../x'),
    /records\["orders-0"\]\[0\]\.partition is .*, not a partition id/,
  ],
  [
    'a value that is not base64',
    (event) => setField(event.records['orders-0'], 0, 'value', 'not base64!'),
    /records\["orders-0"\]\[0\]\.value is not valid base64/,
  ],
  [
    'header bytes out of range',
    (event) => setField(event.records['orders-0'], 0, 'headers', [{ h: [300] }]),
    /records\["orders-0"\]\[0\]\.headers\[0\] .* not an array of bytes/,
  ],
  [
    'a header entry with two names',
    (event) => setField(event.records['orders-0'], 0, 'headers', [{ a: [1], b: [2] }]),
    /records\["orders-0"\]\[0\]\.headers\[0\] has 2 names, not one/,
  ],
  [
    'another event source',
    (event) => {
      Object.assign(event, { eventSource: 'aws:sqs' });
    },
    /eventSource/,
  ],
];

function setIn(array: unknown, index: number, value: unknown): void {
  (array as unknown[])[index] = value;
}

function setField(array: unknown, index: number, field: string, value: unknown): void {
  Object.assign((array as Record<string, unknown>[])[index] ?? {}, { [field]: value });
}

const MUTATIONS: Record<PlatformName, readonly Mutation<never>[]> = {
  eventhub: EVENT_HUBS_MUTATIONS,
  'azure-kafka': AZURE_KAFKA_MUTATIONS,
  'lambda-kafka': LAMBDA_MUTATIONS,
};

describe.each(PLATFORM_NAMES)('Bad input: malformed %s events', (name) => {
  it.each(MUTATIONS[name].map(([description, mutate, message]) => ({ description, mutate, message })))(
    'rejects $description as a whole, with a permanent error that names the field, and writes nothing',
    async ({ mutate, message }) => {
      // Prepare
      const { store, platform } = await platformOnFreshLake(name);
      const [event] = platform.eventsOf([record(0, 41), record(0, 42)]);
      mutate(event as never);

      // Act
      const invocation = platform.invoke(event);

      // Assess
      await expect(invocation).rejects.toMatchObject({ name: 'TriggerShapeError', retriable: false });
      await expect(invocation).rejects.toThrow(message);
      expect(platform.failures()).toEqual([
        expect.objectContaining({
          retriable: false,
          action: expect.stringMatching(/^fix the configuration/),
        }),
      ]);
      expect(await store.objects.list('')).toEqual([]);
    },
  );
});

describe.each(PLATFORM_NAMES)('Bad input: coordinates the %s handler accepts', (name) => {
  it('captures the largest safe offset and names its object after it', async () => {
    // Prepare
    const { store, platform, setNow } = await platformOnFreshLake(name);
    const largest = Number.MAX_SAFE_INTEGER;

    // Act
    await platform.ingest([record(0, largest - 1), record(0, largest)]);
    setNow(ARRIVAL + 60 * MINUTE);
    await platform.seal();

    // Assess
    await auditDelivery(store, TOPIC, [
      { partition: 0, offset: largest - 1 },
      { partition: 0, offset: largest },
    ]);
    expect(await store.objects.list('raw/')).toEqual([
      'raw/orders/2026/11/21/12/00/0-00009007199254740990.jsonl.gz',
    ]);
  });

  it('writes each offset once when a batch repeats offsets, delivers them out of order or comes again', async () => {
    // Prepare: one batch repeats 11 and 10 and is out of order; the next overlaps it; the first comes again.
    const { store, platform, setNow } = await platformOnFreshLake(name);
    const first = [record(0, 12), record(0, 10), record(0, 11), record(0, 11), record(0, 10)];
    const overlapping = [11, 12, 13, 14].map((offset) => record(0, offset));

    // Act
    const [one] = await platform.ingest(first);
    const [two] = await platform.ingest(overlapping);
    setNow(ARRIVAL + 60 * MINUTE);
    await platform.seal();
    const [again] = await platform.ingest(first);
    await platform.seal();

    // Assess
    expect([one?.records, two?.redelivered, again?.redelivered]).toEqual([3, 2, 3]);
    expect(again).toMatchObject({ segmentsStaged: 0, objectsSealed: 0, lateObjectsSealed: 0 });
    await auditDelivery(
      store,
      TOPIC,
      [10, 11, 12, 13, 14].map((offset) => ({ partition: 0, offset })),
    );
    expect(await positionsIn(store, 'raw/')).toEqual(['0:10', '0:11', '0:12', '0:13', '0:14']);
  });

  it('seals the minutes of partitions that vanish from later batches by the seal timer', async () => {
    // Prepare
    const { store, platform, setNow } = await platformOnFreshLake(name);
    const later = ARRIVAL + 5 * MINUTE;

    // Act: partitions 0, 1 and 2 at 12:00; then only partition 0, five minutes on.
    await platform.ingest([record(0, 1), record(1, 1), record(2, 1), record(2, 2)]);
    setNow(later);
    await platform.ingest([record(0, 2, later - 5_000)]);
    const beforeTimer = await store.objects.list('raw/');
    setNow(later + 30_000);
    const timer = await platform.seal();

    // Assess
    expect(beforeTimer).toEqual(['raw/orders/2026/11/21/12/00/0-00000000000000000001.jsonl.gz']);
    expect(timer.objectsSealed).toBe(2);
    expect(await store.objects.list('raw/')).toEqual([
      'raw/orders/2026/11/21/12/00/0-00000000000000000001.jsonl.gz',
      'raw/orders/2026/11/21/12/00/1-00000000000000000001.jsonl.gz',
      'raw/orders/2026/11/21/12/00/2-00000000000000000001.jsonl.gz',
    ]);
    setNow(later + 60 * MINUTE);
    await platform.seal();
    await auditDelivery(store, TOPIC, [
      { partition: 0, offset: 1 },
      { partition: 0, offset: 2 },
      { partition: 1, offset: 1 },
      { partition: 2, offset: 1 },
      { partition: 2, offset: 2 },
    ]);
  });
});

describe('Bad input: path-like names in events', () => {
  it.each([
    [
      'azure-kafka' as const,
      (events: Record<string, unknown>[]) => events.map((event) => ({ ...event, Topic: '../../etc' })),
    ],
    [
      'lambda-kafka' as const,
      (event: { records: Record<string, Record<string, unknown>[]> }) => ({
        ...event,
        records: {
          '../../etc-0': (event.records['orders-0'] ?? []).map((kafkaRecord) => ({
            ...kafkaRecord,
            topic: '../../etc',
          })),
        },
      }),
    ],
  ])(
    'refuses the records of a %s event naming another topic, a path-like one, and writes nothing',
    async (name, rename) => {
      // Prepare
      const { store, platform } = await platformOnFreshLake(name);
      const [event] = platform.eventsOf([record(0, 7)]);

      // Act
      const invoking = platform.invoke((rename as (event: unknown) => unknown)(event));

      // Assess: the partition holds (the platform retries), nothing reaches the lake or the ledger
      await expect(invoking).rejects.toThrow(
        'records of topic "../../etc" (partition 0, offset 7) reached the capture of topic "orders"',
      );
      expect(await store.objects.list('')).toEqual([]);
      expect(await store.ledger.partitions(TOPIC)).toEqual([]);
    },
  );

  it('files the records of an Event Hubs event whose partition context names a path-like hub under the configured topic', async () => {
    // Prepare: the hub is the one the function is registered for; its name in the context is not used
    const { store, platform, setNow } = await platformOnFreshLake('eventhub');
    const [event] = platform.eventsOf([record(0, 7)]) as EventHubsInvocation[];
    Object.assign(event?.triggerMetadata.partitionContext as object, { eventHubName: '../../etc' });

    // Act
    await platform.invoke(event);
    setNow(ARRIVAL + 60 * MINUTE);
    await platform.seal();

    // Assess
    await auditDelivery(store, TOPIC, [{ partition: 0, offset: 7 }]);
    expect((await auditedLines(store, 'raw/'))[0]?.value.topic).toBe(TOPIC);
  });

  it('keeps an opaque, path-like Event Hubs offset as the record offset only', async () => {
    // Prepare: offsets are opaque text (offsetStringArray); they never name anything.
    const { store, platform, setNow } = await platformOnFreshLake('eventhub');
    const [event] = platform.eventsOf([record(0, 7)]) as EventHubsInvocation[];
    Object.assign(event?.triggerMetadata ?? {}, { offsetStringArray: ['../../etc/passwd'] });

    // Act
    await platform.invoke(event);
    setNow(ARRIVAL + 60 * MINUTE);
    await platform.seal();

    // Assess
    await auditDelivery(store, TOPIC, [{ partition: 0, offset: 7 }]);
    expect((await auditedLines(store, 'raw/'))[0]?.value).toMatchObject({
      offset: '../../etc/passwd',
      position: 7,
    });
  });
});
