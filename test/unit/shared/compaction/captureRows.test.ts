import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rowsOfCaptureObject } from '../../../../shared/compaction/captureRows.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import { addCompactionSummary } from '../../../../shared/compaction/compactionSummary.js';
import { RAW_NOT_COMPACTED } from '../../../../shared/compaction/formats.js';
import { parseConfig } from '../../../../shared/config/load.js';
import {
  type AvroCodec,
  AvroWriter,
  containerHeader,
  dataBlock,
} from '../../../../shared/encode/avroBinary.js';
import {
  CAPTURE_SCHEMA_JSON,
  captureEnqueuedTime,
  eventDataChunks,
  parseCaptureEnqueuedTime,
} from '../../../../shared/encode/captureEventData.js';
import { openCaptureContainer } from '../../../../shared/encode/captureReader.js';
import { CaptureError } from '../../../../shared/errors.js';
import { compactionLogRecord } from '../../../../shared/telemetry.js';
import { eventPath } from '../../../helpers/eventHubsBatches.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { freshFsStore } from '../../../helpers/freshStores.js';

const NAME = 'raw/contoso-ingest/orders/3/2026/11/21/09/05/00.avro';
const SYNC = Buffer.alloc(16, 0xab);
const OTHER_SYNC = Buffer.alloc(16, 0xcd);

/** A Capture file of the given records' datums, as the pipeline writes one. */
async function captureFile(datums: Buffer[], count: number, codec: AvroCodec = 'null', sync = SYNC) {
  return Buffer.concat([
    containerHeader(CAPTURE_SCHEMA_JSON, codec, SYNC),
    await dataBlock(datums, count, codec, sync),
  ]);
}

const datumOf = (position: number) => Buffer.concat(eventDataChunks(makeRecord({ position })));

/** A datum written field by field, for shapes the pipeline never writes. */
function handMadeDatum(enqueuedTimeUtc: string, bodyBranch: number): Buffer {
  const writer = new AvroWriter()
    .long(7)
    .string('7')
    .string(enqueuedTimeUtc)
    .map([], () => {});
  writer.map([], () => {}).long(bodyBranch);
  if (bodyBranch === 1) writer.bytes(Buffer.from('{}'));
  return Buffer.from(writer.bytesWritten());
}

function readAll(bytes: Buffer) {
  return [...openCaptureContainer(bytes, NAME).blocks()].flat();
}

describe('Function: openCaptureContainer', () => {
  it('reads every record of every block, null and deflate, with each datum’s size', async () => {
    // Prepare
    const file = Buffer.concat([
      await captureFile([datumOf(1), datumOf(2)], 2, 'deflate'),
      await dataBlock([datumOf(3)], 1, 'deflate', SYNC),
    ]);

    // Act
    const datums = readAll(file);

    // Assess
    expect(datums.map(({ record }) => record.SequenceNumber)).toEqual([1, 2, 3]);
    expect(datums[0]?.datumBytes).toBe(datumOf(1).length);
    expect(openCaptureContainer(file, NAME).codec).toBe('deflate');
  });

  it('accepts Capture’s schema written with other spacing', async () => {
    // Prepare
    const spaced = JSON.stringify(JSON.parse(CAPTURE_SCHEMA_JSON), null, 2);
    const file = Buffer.concat([
      containerHeader(spaced, 'null', SYNC),
      await dataBlock([datumOf(5)], 1, 'null', SYNC),
    ]);

    // Act & Assess
    expect(readAll(file).map(({ record }) => record.SequenceNumber)).toEqual([5]);
  });

  it.each<[string, () => Promise<Buffer>, string]>([
    [
      'a file that is not Avro',
      async () => Buffer.from('PAR1 not avro'),
      'does not start with the Avro magic',
    ],
    [
      'a codec Capture does not write',
      async () => containerHeader(CAPTURE_SCHEMA_JSON, 'snappy' as AvroCodec, SYNC),
      'codec snappy is not null or deflate',
    ],
    [
      'another schema',
      async () => containerHeader('{"type":"record","name":"Other","fields":[]}', 'null', SYNC),
      "its schema is not Capture's EventData",
    ],
    [
      'a truncated file',
      async () => (await captureFile([datumOf(1)], 1)).subarray(0, -20),
      'it ends at byte',
    ],
    [
      'a block ending in another sync marker',
      () => captureFile([datumOf(1)], 1, 'null', OTHER_SYNC),
      "block 0 does not end in the file's sync marker",
    ],
    [
      'a block with more bytes than its count of records',
      () => captureFile([datumOf(1), datumOf(2)], 1),
      'block 0 has bytes after its 1 records',
    ],
    [
      'a block with fewer records than its count',
      () => captureFile([datumOf(1)], 2),
      'block 0: it ends at byte',
    ],
    [
      'a union branch outside Capture’s schema',
      () => captureFile([handMadeDatum('11/21/2026 9:05:00 AM', 2)], 1),
      'Body union branch 2 is not null or bytes',
    ],
    [
      'a deflate block that is not deflate data',
      async () =>
        Buffer.concat([
          containerHeader(CAPTURE_SCHEMA_JSON, 'deflate', SYNC),
          new AvroWriter()
            .long(1)
            .long(4)
            .raw(Buffer.from([0xff, 0xff, 0xff, 0xff]))
            .raw(SYNC)
            .bytesWritten(),
        ]),
      'block 0 is not valid deflate data',
    ],
  ])('refuses %s with an error naming the object', async (_case, bytes, detail) => {
    // Prepare
    const file = await bytes();

    // Act & Assess
    expect(() => readAll(file)).toThrow(CaptureError);
    expect(() => readAll(file)).toThrow(`${NAME} is not a readable Capture Avro file: `);
    expect(() => readAll(file)).toThrow(detail);
  });
});

describe('Function: parseCaptureEnqueuedTime', () => {
  it.each([
    Date.UTC(2026, 0, 5, 0, 7, 9),
    Date.UTC(2026, 10, 21, 12, 0, 0),
    Date.UTC(2025, 11, 31, 23, 59, 59),
    Date.UTC(2016, 10, 16, 16, 44, 11),
  ])('reads back what captureEnqueuedTime writes for %d', (epochMs) => {
    // Act & Assess
    expect(parseCaptureEnqueuedTime(captureEnqueuedTime(epochMs))).toBe(epochMs);
  });

  it.each([
    ['an ISO time', '2021-12-02T14:58:24Z'],
    ['a day that does not exist', '2/30/2021 1:00:00 PM'],
    ['an hour past 12', '12/2/2021 13:58:24 PM'],
    ['nothing', ''],
  ])('gives NaN for %s', (_case, text) => {
    // Act & Assess
    expect(parseCaptureEnqueuedTime(text)).toBeNaN();
  });
});

describe('Function: rowsOfCaptureObject', () => {
  it('makes rows of a Capture file: metadata columns from its fields, JSON bodies spread, other bodies kept', () => {
    // Prepare: the reconstructed Capture file of samples/events (see SOURCES.md)
    const sample = readFileSync(eventPath('capture-sample.avro'));
    const counted: number[] = [];

    // Act
    const rows = [...rowsOfCaptureObject(sample, NAME, '3', (bytes) => counted.push(bytes))];

    // Assess
    expect(rows.map((row) => row.position)).toEqual([0, 1, 176263, 176264, 176265]);
    expect(rows[0]?.row).toEqual({
      _partition: '3',
      _generation: 0,
      _offset: '0',
      _position: 0,
      _timestamp: Date.UTC(2016, 10, 16, 16, 44, 11),
      _key: null,
      _headers: [],
      _system_properties: { 'x-opt-publisher': 'buddy1234' },
      field1: 'value1',
      field2: 'value2',
    });
    expect(rows[1]?.row).toMatchObject({
      _offset: '8589956720',
      _timestamp: 1638457104816,
      _key: '3e7a30bd-29c3-0ae1-2cff-8fb87480823d',
      id: '3e7a30bd-29c3-0ae1-2cff-8fb87480823d',
    });
    expect(rows[1]?.row).not.toHaveProperty('_system_properties');
    expect(rows[2]?.row).toMatchObject({ _body_text: 'Event 3 at 2/6/2023 6:29:45 PM' });
    expect(rows[2]?.sources).toMatchObject({ _body_text: 'Body, not JSON: its UTF-8 text' });
    expect(counted).toEqual(rows.map((row) => row.lineBytes));
    expect(counted[0]).toBe(97);
  });

  it('keeps a JSON body’s integers past 2^53 to the last digit', async () => {
    // Prepare
    const body = Buffer.from('{"id":1234567890123456789,"small":7}');
    const file = await captureFile([Buffer.concat(eventDataChunks(makeRecord({ position: 1, body })))], 1);

    // Act
    const [row] = [...rowsOfCaptureObject(file, NAME, '3', () => {})];

    // Assess
    expect(row?.row).toMatchObject({ id: 1234567890123456789n, small: 7 });
  });

  it('leaves the body columns out for a null Body', async () => {
    // Prepare
    const file = await captureFile([handMadeDatum('11/21/2026 9:05:00 AM', 0)], 1);

    // Act
    const [row] = [...rowsOfCaptureObject(file, NAME, '3', () => {})];

    // Assess
    expect(Object.keys(row?.row ?? {})).toEqual([
      '_partition',
      '_generation',
      '_offset',
      '_position',
      '_timestamp',
      '_key',
      '_headers',
    ]);
  });

  it('refuses a record whose enqueued time cannot be read, naming the object', async () => {
    // Prepare
    const file = await captureFile([handMadeDatum('yesterday', 1)], 1);

    // Act & Assess
    expect(() => [...rowsOfCaptureObject(file, NAME, '3', () => {})]).toThrow(
      `${NAME}: the record at SequenceNumber 7 has no x-opt-enqueued-time and an EnqueuedTimeUtc of "yesterday"`,
    );
  });
});

describe('Function: parseConfig (Capture layouts that compaction lists)', () => {
  const topic = (format: string, layout: string, namespace = 'contoso') => ({
    topics: [{ name: 'orders', source: 'eventhub', format, layout, capture: { namespace } }],
  });

  it.each([
    ['capture', 'capture'],
    [
      'a reordered format, the partition in the file name',
      '{Year}/{Month}/{Day}/{Namespace}_{EventHub}_{PartitionId}_{Hour}{Minute}{Second}',
    ],
    [
      'the partition last',
      '{Namespace}/{EventHub}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}-{PartitionId}',
    ],
  ])('accepts %s', (_case, layout) => {
    // Act & Assess
    expect(() => parseConfig(topic('avro-capture', layout), 'capture.config.yaml')).not.toThrow();
  });

  it.each([
    [
      'a digit token',
      '{Namespace}/{EventHub}/{PartitionId}{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}',
      'contoso',
      '{Year}',
    ],
    [
      'a digit',
      '{Namespace}/{EventHub}/{PartitionId}0/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}',
      'contoso',
      'the digit "0"',
    ],
    [
      'a namespace starting with a digit',
      '{PartitionId}{Namespace}/{EventHub}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}',
      '9lives',
      '{Namespace} ("9lives", which starts with a digit)',
    ],
  ])(
    'refuses {PartitionId} followed by %s for a compacted format, saying what to change',
    (_case, layout, namespace, follower) => {
      // Act & Assess
      for (const format of ['avro-capture', 'jsonl']) {
        expect(() => parseConfig(topic(format, layout, namespace), 'capture.config.yaml')).toThrow(
          `{PartitionId} is followed by ${follower}`,
        );
      }
      expect(() => parseConfig(topic('avro-capture', layout, namespace), 'capture.config.yaml')).toThrow(
        'put a separator that is not a digit ("/", "_" or "-") after {PartitionId}',
      );
      expect(() => parseConfig(topic('raw', layout, namespace), 'capture.config.yaml')).not.toThrow();
    },
  );
});

describe('Function: compactClosedHours (raw topics)', () => {
  it('compacts nothing for a raw topic and says why in its summary and log line', async () => {
    // Prepare
    const context = {
      topic: topicConfig({ format: 'raw' }),
      store: await freshFsStore(),
      clock: () => Date.now(),
    };

    // Act
    const summary = await compactClosedHours(context);

    // Assess
    expect(summary).toMatchObject({ hoursCompacted: 0, rawObjectsRead: 0, notCompacted: RAW_NOT_COMPACTED });
    expect(compactionLogRecord('compact', 'orders', summary, 1)).toMatchObject({
      notCompacted: RAW_NOT_COMPACTED,
    });
    expect(
      addCompactionSummary(await compactClosedHours({ ...context, topic: topicConfig() }), summary),
    ).toMatchObject({
      notCompacted: RAW_NOT_COMPACTED,
    });
  });
});
