import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AvroWriter, containerHeader, dataBlock } from '../../../../shared/encode/avroBinary.js';
import {
  CAPTURE_SCHEMA_JSON,
  captureEnqueuedTime,
  eventDataChunks,
} from '../../../../shared/encode/captureEventData.js';
import { readContainerFile } from '../../../helpers/avroReader.js';
import { eventPath } from '../../../helpers/eventHubsBatches.js';
import { makeRecord } from '../../../helpers/factories.js';

/** The reconstructed Capture file of samples/events (see SOURCES.md). */
const captureSample = () => readContainerFile(readFileSync(eventPath('capture-sample.avro')));
const SYNC = Buffer.alloc(16, 0xab);

describe('Class: AvroWriter', () => {
  it.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [2, '04'],
    [-64, '7f'],
    [64, '8001'],
    [1638457104816, 'e0e6babaaf5f'],
    [Number.MAX_SAFE_INTEGER, 'feffffffffffff1f'],
    [Number.MIN_SAFE_INTEGER, 'fdffffffffffff1f'],
  ])('writes the long %d as zigzag varint %s', (value, hex) => {
    // Act
    const bytes = new AvroWriter(1).long(value).bytesWritten();

    // Assess
    expect(bytes.toString('hex')).toBe(hex);
  });
});

describe('Function: containerHeader', () => {
  it("writes Capture's header byte for byte, but for the sync marker", () => {
    // Prepare
    const sample = captureSample();
    const fixture = readFileSync(eventPath('capture-sample.avro')).subarray(0, sample.headerBytes);

    // Act
    const header = containerHeader(CAPTURE_SCHEMA_JSON, 'null', sample.syncMarker);

    // Assess
    expect(header.equals(fixture)).toBe(true);
    // Capture's empty file is 508 bytes (Microsoft's Capture quickstart): this header and one empty block.
    const emptyBlock = 18;
    expect(containerHeader(CAPTURE_SCHEMA_JSON, 'null', SYNC).length + emptyBlock).toBe(508);
  });
});

describe('Function: captureEnqueuedTime', () => {
  it.each([
    ["a real Capture record's time", 1638457104816, '12/2/2021 2:58:24 PM'],
    ['midnight', Date.UTC(2026, 0, 5, 0, 7, 9), '1/5/2026 12:07:09 AM'],
    ['noon', Date.UTC(2026, 10, 21, 12, 0, 0, 999), '11/21/2026 12:00:00 PM'],
    ['the last second of a year', Date.UTC(2025, 11, 31, 23, 59, 59, 500), '12/31/2025 11:59:59 PM'],
  ])("writes %s as Capture's M/d/yyyy h:mm:ss tt in UTC", (_case, epochMs, expected) => {
    // Act & Assess
    expect(captureEnqueuedTime(epochMs)).toBe(expected);
  });

  it("matches every EnqueuedTimeUtc of the Capture sample's shape", () => {
    // Act
    const times = captureSample().records.map((record) => record.EnqueuedTimeUtc);

    // Assess
    for (const time of times) expect(time).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/);
    expect(captureEnqueuedTime(1638457104816)).toBe(times[1]);
  });
});

describe('Function: eventDataChunks', () => {
  it('maps an Event Hubs record the way Capture fills EventData', async () => {
    // Prepare
    const record = makeRecord({
      position: 1187,
      offset: '4294971392',
      brokerTime: 1638457104816,
      key: Buffer.from('3e7a30bd-29c3-0ae1-2cff-8fb87480823d'),
      headers: [
        { name: 'tenantId', value: 'contoso' },
        { name: 'schemaVersion', value: 2 },
        { name: 'ratio', value: 0.5 },
        { name: 'retried', value: true },
        { name: 'priority', value: null },
        { name: 'raw', value: Buffer.from([0xff, 0x00]) },
      ],
      systemProperties: {
        'x-opt-sequence-number': 1187,
        'x-opt-offset': 4294971392,
        'x-opt-enqueued-time': '2021-12-02T14:58:24.816+00:00',
        'x-opt-partition-key': '3e7a30bd-29c3-0ae1-2cff-8fb87480823d',
        'x-opt-publisher': 'buddy1234',
        sequenceNumber: 1187,
        offset: 4294971392,
        offsetString: '4294971392',
        partitionKey: '3e7a30bd-29c3-0ae1-2cff-8fb87480823d',
        enqueuedTimeUtc: '2021-12-02T14:58:24.816',
      },
      body: Buffer.from('{"id":1}'),
    });

    // Act
    const block = await dataBlock(eventDataChunks(record), 1, 'null', SYNC);
    const [read] = readContainerFile(
      Buffer.concat([containerHeader(CAPTURE_SCHEMA_JSON, 'null', SYNC), block]),
    ).records;

    // Assess
    expect(read).toEqual({
      SequenceNumber: 1187,
      Offset: '4294971392',
      EnqueuedTimeUtc: '12/2/2021 2:58:24 PM',
      SystemProperties: [
        ['x-opt-partition-key', '3e7a30bd-29c3-0ae1-2cff-8fb87480823d'],
        ['x-opt-enqueued-time', 1638457104816],
        ['x-opt-publisher', 'buddy1234'],
      ],
      Properties: [
        ['tenantId', 'contoso'],
        ['schemaVersion', 2],
        ['ratio', 0.5],
        ['retried', 'True'],
        ['priority', null],
        ['raw', Buffer.from([0xff, 0x00])],
      ],
      Body: Buffer.from('{"id":1}'),
    });
  });

  it('maps a Kafka record: the key as partition key (bytes when not UTF-8), repeated headers kept apart', async () => {
    // Prepare
    const record = makeRecord({
      position: 42,
      key: Buffer.from([0xc3, 0x28]),
      headers: [
        { name: 'trace', value: Buffer.from('a') },
        { name: 'trace', value: Buffer.from('b') },
        { name: 'trace#2', value: Buffer.from('c') },
      ],
      body: Buffer.alloc(0),
    });

    // Act
    const block = await dataBlock(eventDataChunks(record), 1, 'deflate', SYNC);
    const [read] = readContainerFile(
      Buffer.concat([containerHeader(CAPTURE_SCHEMA_JSON, 'deflate', SYNC), block]),
    ).records;

    // Assess
    expect(read?.SystemProperties[0]).toEqual(['x-opt-partition-key', Buffer.from([0xc3, 0x28])]);
    expect(read?.Properties).toEqual([
      ['trace', Buffer.from('a')],
      ['trace#2', Buffer.from('b')],
      ['trace#2#2', Buffer.from('c')],
    ]);
    expect(read?.Body).toEqual(Buffer.alloc(0));
  });
});
