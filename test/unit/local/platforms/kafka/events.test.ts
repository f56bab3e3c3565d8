import { describe, expect, it } from 'vitest';
import type { FetchedRecord } from '../../../../../local/platforms/kafka/batches.js';
import {
  azureKafkaEvents,
  dotNetUtcTime,
  lambdaKafkaEvent,
  lambdaPayloadBytes,
} from '../../../../../local/platforms/kafka/events.js';
import { azureKafkaBatchToRecords } from '../../../../../shared/adapters/azureKafkaTrigger.js';
import { lambdaKafkaEventToRecords } from '../../../../../shared/adapters/lambdaKafkaEvent.js';

const RECORDS: FetchedRecord[] = [
  {
    partition: 2,
    offset: 5_120,
    timestamp: Date.UTC(2026, 10, 21, 12, 0, 0, 420),
    timestampType: 'CREATE_TIME',
    key: Buffer.from('user-31'),
    value: Buffer.from('{"event":"click"}'),
    headers: [
      { name: 'traceparent', value: Buffer.from([0x00, 0xff, 0x80, 0x41]) },
      { name: 'traceparent', value: Buffer.from('second') },
    ],
  },
  {
    partition: 0,
    offset: 7,
    timestamp: Date.UTC(2026, 10, 21, 12, 1, 0, 0),
    timestampType: 'LOG_APPEND_TIME',
    key: null,
    value: null,
    headers: [],
  },
];

/** What the pipeline keeps of a record, whichever trigger delivered it. */
const coordinates = (records: ReturnType<typeof azureKafkaBatchToRecords>) =>
  records.map(({ partition, position, brokerTime, key, headers, body }) => ({
    partition,
    position,
    brokerTime,
    key: key?.toString('hex') ?? null,
    headers: headers.map(({ name, value }) => [name, Buffer.isBuffer(value) ? value.toString('hex') : value]),
    body: body.toString('utf8'),
  }));

const EXPECTED = [
  {
    partition: '2',
    position: 5_120,
    brokerTime: Date.UTC(2026, 10, 21, 12, 0, 0, 420),
    key: Buffer.from('user-31').toString('hex'),
    headers: [
      ['traceparent', '00ff8041'],
      ['traceparent', Buffer.from('second').toString('hex')],
    ],
    body: '{"event":"click"}',
  },
  {
    partition: '0',
    position: 7,
    brokerTime: Date.UTC(2026, 10, 21, 12, 1, 0, 0),
    key: null,
    headers: [],
    body: '',
  },
];

describe('Function: azureKafkaEvents', () => {
  it('builds the binary invocation the Azure adapter reads back with the real offsets, times, keys and header bytes', () => {
    // Act
    const { values, triggerMetadata } = azureKafkaEvents('clicks', RECORDS);

    // Assess
    expect(values[1]).toBeNull();
    expect(triggerMetadata).toMatchObject({
      offsetArray: [5_120, 7],
      partitionArray: [2, 0],
      topicArray: ['clicks', 'clicks'],
      timestampArray: ['2026-11-21T12:00:00.42Z', '2026-11-21T12:01:00Z'],
    });
    expect(coordinates(azureKafkaBatchToRecords('clicks', values, triggerMetadata))).toEqual(EXPECTED);
  });
});

describe('Function: dotNetUtcTime', () => {
  it.each([
    [Date.UTC(2026, 10, 21, 12, 0, 0), '2026-11-21T12:00:00Z'],
    [Date.UTC(2026, 10, 21, 12, 0, 0, 500), '2026-11-21T12:00:00.5Z'],
    [Date.UTC(2026, 10, 21, 12, 0, 0, 50), '2026-11-21T12:00:00.05Z'],
    [Date.UTC(2026, 10, 21, 12, 0, 0, 7), '2026-11-21T12:00:00.007Z'],
    [Date.UTC(2026, 10, 21, 12, 0, 0, 999), '2026-11-21T12:00:00.999Z'],
    [-1, '1969-12-31T23:59:59.999Z'],
    [1100.5, '1970-01-01T00:00:01.1Z'],
  ])('writes %d as .NET writes a UTC DateTime: %s', (epochMs, expected) => {
    expect(dotNetUtcTime(epochMs)).toBe(expected);
  });
});

describe('Function: lambdaKafkaEvent', () => {
  it('builds a self-managed Kafka event the Lambda adapter reads back with the real offsets, times, keys and header bytes', () => {
    // Act
    const event = lambdaKafkaEvent('clicks', ['127.0.0.1:9092'], RECORDS) as {
      bootstrapServers: string;
      records: Record<string, unknown[]>;
    };

    // Assess
    expect(event.bootstrapServers).toBe('127.0.0.1:9092');
    expect(Object.keys(event.records)).toEqual(['clicks-2', 'clicks-0']);
    expect(event.records['clicks-2']?.[0]).toMatchObject({
      headers: [{ traceparent: [0, -1, -128, 65] }, { traceparent: [...Buffer.from('second')] }],
    });
    expect(coordinates(lambdaKafkaEventToRecords('clicks', event))).toEqual(EXPECTED);
  });

  it('counts at least the bytes each record takes in the event, so a batch stays under the payload cap', () => {
    // Prepare
    const event = lambdaKafkaEvent('clicks', ['127.0.0.1:9092'], RECORDS) as {
      records: Record<string, unknown[]>;
    };
    const entries = Object.values(event.records).flat();

    // Act
    const estimated = RECORDS.reduce((sum, record) => sum + lambdaPayloadBytes(record), 0);

    // Assess
    expect(estimated).toBeGreaterThanOrEqual(JSON.stringify(entries).length);
  });
});
