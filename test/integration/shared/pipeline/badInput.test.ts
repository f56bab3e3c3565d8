import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TopicConfigInput } from '../../../../shared/config/schema.js';
import { decompressObject } from '../../../../shared/encode/decompress.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import type { CaptureSummary } from '../../../../shared/pipeline/summary.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { createFsStore } from '../../../../shared/stores/fs/createFsStore.js';
import {
  ARRIVAL,
  BODY_CASES,
  BODY_TIME_CASES,
  type BodyCase,
  BROKER_TIME_CASES,
  HEADER_CASES,
  MAX_RECORD_BYTES,
  MAX_SEGMENT_BYTES,
  type Outcome,
} from '../../../helpers/badInputCorpus.js';
import {
  type CapturePlatform,
  capturePlatform,
  type DeliveredRecord,
  PLATFORM_NAMES,
  type PlatformName,
} from '../../../helpers/capturePlatforms.js';
import {
  auditDelivery,
  filesOutside,
  type RecordLine,
  readLakeLines,
} from '../../../helpers/deliveryAudit.js';
import { topicConfig } from '../../../helpers/factories.js';
import { freshAzuriteStore, freshS3Store } from '../../../helpers/freshStores.js';

const TOPIC = 'orders';
const BROKER_TIME = Date.UTC(2026, 10, 21, 12, 0, 0, 500);
const FIRST_OFFSET = 1000;
const HOUR = 3_600_000;
/** Every visible object of these runs: the default layout, partition 0, gzip. */
const OBJECT_NAME = /^(raw|deadletter)\/orders\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/\d{2}\/0-\d{20}\.jsonl\.gz$/;

/** The folders of this file's filesystem lakes, removed once its tests are done. */
const lakeFolders: string[] = [];
afterAll(async () => {
  await Promise.all(lakeFolders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** A filesystem lake in a folder of its own inside another, so a path that escapes it can be seen. */
async function fsLakeInOwnFolder(): Promise<{ store: CaptureStore; parent: string; root: string }> {
  const parent = await mkdtemp(join(tmpdir(), 'bad-input-'));
  lakeFolders.push(parent);
  const root = join(parent, 'lake');
  return { store: createFsStore(root), parent, root };
}

/**
 * One platform's handlers on a store, with a clock at ARRIVAL: `deliver` invokes the ingestion
 * handler with the records in the platform's event shape, then the seal timer handler an hour later.
 */
function captureRun(name: PlatformName, store: CaptureStore, overrides: Partial<TopicConfigInput> = {}) {
  let now = ARRIVAL;
  const context: CaptureContext = {
    topic: topicConfig({
      name: TOPIC,
      source: name === 'eventhub' ? 'eventhub' : 'kafka',
      jsonl: { envelope: true },
      maxRecordBytes: MAX_RECORD_BYTES,
      maxSegmentBytes: MAX_SEGMENT_BYTES,
      ...overrides,
    }),
    store,
    clock: () => now,
  };
  const platform = capturePlatform(name, context);
  return {
    platform,
    async deliver(records: readonly DeliveredRecord[]): Promise<CaptureSummary[]> {
      const summaries = await platform.ingest(records);
      now = ARRIVAL + HOUR;
      await platform.seal();
      return summaries;
    },
  };
}

const corpusRecords = (bodies: readonly Buffer[]): DeliveredRecord[] =>
  bodies.map((body, index) => ({
    partition: 0,
    offset: FIRST_OFFSET + index,
    body,
    brokerTime: BROKER_TIME,
  }));

/** Bodies compared by content, big ones by size and digest so a failure stays readable. */
function shown(bytes: Buffer): string {
  if (bytes.length <= 120) return `base64 ${bytes.toString('base64')}`;
  return `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
}

/** Where a record's line says it ended: an envelope's body exactly as the line holds it, or a dead letter. */
function outcomeOf(line: RecordLine | undefined): Record<string, unknown> {
  if (line === undefined) return { ends: 'nowhere' };
  if (line.kind === 'raw') {
    // The envelope's metadata is JSON text, so an unescaped `,"body":` can only be the body's key.
    const body = line.text.slice(line.text.indexOf(',"body":') + ',"body":'.length, -1);
    return { ends: 'raw', body: shown(Buffer.from(body, 'utf8')) };
  }
  const { reason, detail, bodyBase64, topic, partition, position } = line.value;
  const body = shown(Buffer.from(String(bodyBase64), 'base64'));
  return { ends: 'deadletter', reason, detail, body, from: `${topic} ${partition}:${position}` };
}

function expectedOutcome(outcome: Outcome, delivered: Buffer, offset: number): Record<string, unknown> {
  if (outcome.ends === 'raw') {
    return {
      ends: 'raw',
      body: shown(outcome.lineBody === undefined ? delivered : Buffer.from(outcome.lineBody)),
    };
  }
  return { ...outcome, body: shown(delivered), from: `${TOPIC} 0:${offset}` };
}

const outcomeFor = (platform: CapturePlatform, testCase: BodyCase) =>
  platform.name === 'azure-kafka' ? (testCase.expectedAsText ?? testCase.expected) : testCase.expected;

/**
 * Delivers the whole body corpus in one batch and checks where each record ended, that each ended
 * exactly once, that the dead letters keep the delivered bytes and say why, and that the minute is
 * one raw and one dead-letter object whatever the sizes.
 */
async function expectBodyCorpusEnds(
  name: PlatformName,
  store: CaptureStore,
  overrides: Partial<TopicConfigInput> = {},
): Promise<void> {
  // Prepare
  const run = captureRun(name, store, overrides);
  const records = corpusRecords(BODY_CASES.map((testCase) => testCase.body));

  // Act
  const [summary] = await run.deliver(records);

  // Assess
  const lines = await auditDelivery(store, TOPIC, records);
  const actual = BODY_CASES.map((testCase, index) => ({
    case: testCase.name,
    ...outcomeOf(lines.get(`0:${FIRST_OFFSET + index}`)),
  }));
  const expected = BODY_CASES.map((testCase, index) => ({
    case: testCase.name,
    ...expectedOutcome(
      outcomeFor(run.platform, testCase),
      run.platform.bodyAsDelivered(testCase.body),
      FIRST_OFFSET + index,
    ),
  }));
  expect(actual).toEqual(expected);

  const deadLetters: Record<string, number> = {};
  for (const testCase of BODY_CASES) {
    const outcome = outcomeFor(run.platform, testCase);
    if (outcome.ends === 'deadletter') deadLetters[outcome.reason] = (deadLetters[outcome.reason] ?? 0) + 1;
  }
  expect(summary).toMatchObject({ records: BODY_CASES.length, deadLetters });
  const objects = [...(await store.objects.list('raw/')), ...(await store.objects.list('deadletter/'))];
  expect(objects).toEqual([
    `raw/orders/2026/11/21/12/00/0-${String(FIRST_OFFSET).padStart(20, '0')}.jsonl.gz`,
    expect.stringMatching(/^deadletter\/orders\/2026\/11\/21\/12\/00\/0-\d{20}\.jsonl\.gz$/),
  ]);
}

describe('Bad input: record bodies', () => {
  it.each(PLATFORM_NAMES)(
    'ends every body of the corpus where the contract says, through the %s handler',
    async (name) => {
      const lake = await fsLakeInOwnFolder();
      await expectBodyCorpusEnds(name, lake.store);
      expect(await filesOutside(lake.parent, lake.root)).toEqual([]);
    },
  );

  it('gives a topic with a body time field the same verdicts (Azure Kafka)', async () => {
    await expectBodyCorpusEnds('azure-kafka', (await fsLakeInOwnFolder()).store, {
      timeSource: { field: 'meta.at' },
    });
  });

  it('ends every body where the contract says on Azurite, through the Event Hubs handler', async () => {
    await expectBodyCorpusEnds('eventhub', await freshAzuriteStore());
  });

  it('ends every body where the contract says on the S3 server, through the Lambda handler', async () => {
    await expectBodyCorpusEnds('lambda-kafka', await freshS3Store());
  });

  it('writes each sealed body byte for byte as its line when the topic has no envelope (Lambda)', async () => {
    // Prepare
    const { store } = await fsLakeInOwnFolder();
    const run = captureRun('lambda-kafka', store, { jsonl: { envelope: false } });

    // Act
    await run.deliver(corpusRecords(BODY_CASES.map((testCase) => testCase.body)));

    // Assess
    const lines = await readLakeLines(store.objects);
    const sealed = lines.filter((line) => line.kind === 'raw').map((line) => shown(Buffer.from(line.text)));
    const expected = BODY_CASES.flatMap(({ expected, body }) =>
      expected.ends === 'raw'
        ? [shown(expected.lineBody === undefined ? body : Buffer.from(expected.lineBody))]
        : [],
    );
    expect(sealed).toEqual(expected);
    const deadLetters = lines
      .filter((line) => line.kind === 'deadletter')
      .map((line) => JSON.parse(line.text));
    expect(deadLetters.map((line) => line.position)).toEqual(
      BODY_CASES.flatMap(({ expected }, index) =>
        expected.ends === 'deadletter' ? [FIRST_OFFSET + index] : [],
      ),
    );
  });
});

describe('Bad input: record bodies in the raw format', () => {
  it('seals every body without a line feed byte for byte and dead-letters the others (Lambda)', async () => {
    // Prepare
    const { store } = await fsLakeInOwnFolder();
    const run = captureRun('lambda-kafka', store, { format: 'raw', jsonl: { envelope: false } });
    const reasonOf = (body: Buffer) =>
      body.length > MAX_RECORD_BYTES ? 'too-large' : body.includes(0x0a) ? 'contains-newline' : undefined;

    // Act
    await run.deliver(corpusRecords(BODY_CASES.map((testCase) => testCase.body)));

    // Assess: raw bodies follow each other, each ended by a line feed, in offset order.
    const [object, ...others] = await store.objects.list('raw/');
    expect(others).toEqual([]);
    const sealed = decompressObject(object ?? '', await store.objects.read(object ?? ''));
    const expected = Buffer.concat(
      BODY_CASES.flatMap(({ body }) => (reasonOf(body) ? [] : [body, Buffer.from('\n')])),
    );
    expect(shown(sealed)).toBe(shown(expected));
    const deadLetters = (await readLakeLines(store.objects))
      .filter((line) => line.kind === 'deadletter')
      .map((line) => JSON.parse(line.text));
    expect(deadLetters.map(({ position, reason }) => [position, reason])).toEqual(
      BODY_CASES.flatMap(({ body }, index) => {
        const reason = reasonOf(body);
        return reason ? [[FIRST_OFFSET + index, reason]] : [];
      }),
    );
  });
});

describe('Bad input: header names and keys', () => {
  it.each(PLATFORM_NAMES)(
    'keeps path-like, empty, long and odd names as values, never in paths (%s)',
    async (name) => {
      // Prepare: each case twice, with a JSON body (sealed) and a broken one (dead-lettered).
      const lake = await fsLakeInOwnFolder();
      const run = captureRun(name, lake.store);
      const cases = HEADER_CASES.filter((testCase) => testCase.platforms.includes(name));
      const records = cases.flatMap((testCase, index): DeliveredRecord[] =>
        ['{"ok":true}', '{"broken":'].map((body, variant) => ({
          partition: 0,
          offset: FIRST_OFFSET + 2 * index + variant,
          body: Buffer.from(body),
          key: testCase.key,
          headers: testCase.headers,
          brokerTime: BROKER_TIME,
        })),
      );

      // Act
      await run.deliver(records);

      // Assess
      const lines = await auditDelivery(lake.store, TOPIC, records);
      const actual = records.map((record) => {
        const line = lines.get(`0:${record.offset}`);
        return {
          offset: record.offset,
          kind: line?.kind,
          key: line?.value.key,
          headers: line?.value.headers,
        };
      });
      const expected = cases.flatMap((testCase, index) =>
        (['raw', 'deadletter'] as const).map((kind, variant) => ({
          offset: FIRST_OFFSET + 2 * index + variant,
          kind,
          key: testCase.expectedKey,
          headers: testCase.expectedHeaders,
        })),
      );
      expect(actual).toEqual(expected);
      const paths = await lake.store.objects.list('');
      expect(paths.filter((path) => !path.startsWith('_ledger/') && !OBJECT_NAME.test(path))).toEqual([]);
      expect(await filesOutside(lake.parent, lake.root)).toEqual([]);
    },
  );
});

describe('Bad input: broker times', () => {
  it.each(PLATFORM_NAMES)(
    'places a record with an unusable broker time by its arrival and counts it (%s)',
    async (name) => {
      // Prepare
      const { store } = await fsLakeInOwnFolder();
      const run = captureRun(name, store);
      const records = BROKER_TIME_CASES.map(
        (testCase, index): DeliveredRecord => ({
          partition: 0,
          offset: FIRST_OFFSET + index,
          body: Buffer.from(JSON.stringify({ case: testCase.name })),
          brokerTime: { raw: testCase.raw[name] },
        }),
      );

      // Act
      const [summary] = await run.deliver(records);

      // Assess
      const lines = await auditDelivery(store, TOPIC, records);
      const placedAt = (line: RecordLine | undefined) => ({
        timestamp: line?.value.timestamp,
        minuteFolder: line?.path.split('/').slice(2, 7).join('/'),
      });
      const actual = BROKER_TIME_CASES.map((testCase, index) => ({
        case: testCase.name,
        ...placedAt(lines.get(`0:${FIRST_OFFSET + index}`)),
      }));
      const expected = BROKER_TIME_CASES.map((testCase) => {
        const time = new Date(testCase.placedAt === 'arrival' ? ARRIVAL : testCase.placedAt);
        return { case: testCase.name, timestamp: time.toISOString(), minuteFolder: minuteFolderOf(time) };
      });
      expect(actual).toEqual(expected);
      expect(summary?.arrivalTimeFallbacks).toBe(
        BROKER_TIME_CASES.filter((testCase) => testCase.placedAt === 'arrival').length,
      );
    },
  );
});

describe('Bad input: body times', () => {
  const originalTimeZone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTimeZone;
  });

  it.each(PLATFORM_NAMES)(
    'places a record by a usable body time, else by broker time and counts it (%s)',
    async (name) => {
      // Prepare: a zone far from UTC, where reading a zone-less time as local time would show.
      process.env.TZ = 'America/New_York';
      const { store } = await fsLakeInOwnFolder();
      const run = captureRun(name, store, { timeSource: { field: 'meta.at' } });
      const records = corpusRecords(BODY_TIME_CASES.map((testCase) => testCase.body));

      // Act
      const [summary] = await run.deliver(records);

      // Assess
      const lines = await auditDelivery(store, TOPIC, records);
      const actual = BODY_TIME_CASES.map((testCase, index) => ({
        case: testCase.name,
        kind: lines.get(`0:${FIRST_OFFSET + index}`)?.kind,
        minuteFolder: lines
          .get(`0:${FIRST_OFFSET + index}`)
          ?.path.split('/')
          .slice(2, 7)
          .join('/'),
      }));
      const expected = BODY_TIME_CASES.map((testCase) => ({
        case: testCase.name,
        kind: 'raw',
        minuteFolder: minuteFolderOf(
          new Date(testCase.placedAt === 'broker' ? BROKER_TIME : testCase.placedAt),
        ),
      }));
      expect(actual).toEqual(expected);
      expect(summary?.timeFallbacks).toBe(
        BODY_TIME_CASES.filter((testCase) => testCase.placedAt === 'broker').length,
      );
    },
  );
});

function minuteFolderOf(time: Date): string {
  return time.toISOString().slice(0, 16).replace(/[-T:]/g, '/');
}
