import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventHubsBatchToRecords } from '../../../../shared/adapters/eventHubsTrigger.js';
import { TriggerShapeError } from '../../../../shared/errors.js';
import {
  binaryBatch,
  eventPath,
  firstOrderWith,
  ordersBatch,
  ordersWith,
} from '../../../helpers/eventHubsBatches.js';

const contosoV2 = [
  { name: 'tenantId', value: 'contoso' },
  { name: 'schemaVersion', value: 2 },
];

describe('Function: eventHubsBatchToRecords', () => {
  it.each([
    [
      0,
      1187,
      '4294971392',
      Date.UTC(2026, 10, 21, 12, 0, 1, 123),
      'cust-1042',
      [...contosoV2, { name: 'correlationId', value: '9d4c1f7e-52a8-4f0e-8a53-0c7b1d2e6f10' }],
    ],
    [1, 1188, '4294971904', Date.UTC(2026, 10, 21, 12, 0, 1, 200), 'cust-2210', []],
    [
      2,
      1189,
      '4294972416',
      Date.UTC(2026, 10, 21, 12, 0, 59, 999),
      'cust-1042',
      [...contosoV2, { name: 'retried', value: true }],
    ],
    [
      3,
      1190,
      '4294972928',
      Date.UTC(2026, 10, 21, 12, 1, 0, 0),
      'cust-0007',
      [
        { name: 'tenantId', value: 'fabrikam' },
        { name: 'schemaVersion', value: 1 },
      ],
    ],
    [
      4,
      1191,
      '4294973440',
      Date.UTC(2026, 10, 21, 12, 1, 0, 500),
      'cust-2210',
      [...contosoV2, { name: 'priority', value: null }],
    ],
  ])('maps every field of fixture message %i', (index, position, offset, brokerTime, key, headers) => {
    // Prepare
    const { messages, triggerMetadata } = ordersBatch();
    const rawFile = JSON.parse(readFileSync(eventPath('eventhub-batch.json'), 'utf8'));

    // Act
    const records = eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(records).toHaveLength(5);
    expect(records[index]).toEqual({
      topic: 'orders',
      partition: '3',
      position,
      offset,
      brokerTime,
      key: Buffer.from(key),
      headers,
      systemProperties: rawFile.triggerMetadata.systemPropertiesArray[index],
      body: Buffer.from(rawFile.messages[index], 'utf8'),
    });
  });

  it('preserves binary bodies byte for byte when they arrive as Buffers', () => {
    // Prepare
    const { messages, triggerMetadata } = binaryBatch();
    const rawFile = JSON.parse(readFileSync(eventPath('eventhub-batch-binary.json'), 'utf8'));
    const expected = rawFile.messages.map((body: string | { base64: string }) =>
      typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.base64, 'base64'),
    );

    // Act
    const records = eventHubsBatchToRecords('telemetry', messages, triggerMetadata);

    // Assess
    expect(records.map((record) => record.body.toString('hex'))).toEqual(
      expected.map((bytes: Buffer) => bytes.toString('hex')),
    );
    expect(records[0]?.body.subarray(0, 2).toString('hex')).toBe('1f8b');
    expect(records.map((record) => record.position)).toEqual([52, 53, 54, 55]);
    expect(records.map((record) => record.offset)).toEqual(['10752', '11008', '11264', '11520']);
    expect(records.map((record) => record.brokerTime)).toEqual([
      Date.UTC(2026, 10, 21, 23, 59, 59, 999),
      Date.UTC(2026, 10, 22, 0, 0, 0, 0),
      Date.UTC(2026, 10, 22, 0, 0, 0, 10),
      Date.UTC(2026, 10, 22, 0, 0, 0, 123),
    ]);
  });

  it.each([
    ['a Uint8Array view', new Uint8Array([9, 0xff, 0x00, 0xc3, 0x28, 9]).subarray(1, 5), 'ff00c328'],
    ['an ArrayBuffer', new Uint8Array([0xff, 0x00, 0xc3]).buffer, 'ff00c3'],
    ['a string (dataType string)', 'grüße', Buffer.from('grüße').toString('hex')],
    [
      'a parsed JSON object (default binding)',
      { orderId: 'ord-1', total: 2 },
      Buffer.from('{"orderId":"ord-1","total":2}').toString('hex'),
    ],
    ['a parsed JSON number', 42, Buffer.from('42').toString('hex')],
  ])('converts a body given as %s deterministically', (_, body, expectedHex) => {
    // Prepare
    const { triggerMetadata } = firstOrderWith({});

    // Act
    const [record] = eventHubsBatchToRecords('orders', [body], triggerMetadata);

    // Assess
    expect(record?.body.toString('hex')).toBe(expectedHex);
  });

  it.each([
    ['sequenceNumberArray', { sequenceNumberArray: [1187, 1188] }],
    ['enqueuedTimeUtcArray', { enqueuedTimeUtcArray: Array(6).fill('2026-11-21T12:00:00') }],
    ['offsetArray', { offsetStringArray: undefined, offsetArray: [1, 2, 3] }],
    ['propertiesArray', { propertiesArray: [{}] }],
    ['systemPropertiesArray', { systemPropertiesArray: [] }],
    [
      'partitionKeyArray',
      { systemPropertiesArray: undefined, partitionKeyArray: ['cust-1042', 'cust-2210'] },
    ],
  ])('throws TriggerShapeError naming %s when its length differs from the messages', (name, overrides) => {
    // Prepare
    const { messages, triggerMetadata } = ordersWith(overrides);

    // Act
    const act = () => eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(
      new RegExp(`5 messages but ${name} has \\d+ entries.*cardinality: 'many' and dataType: 'binary'`),
    );
  });

  it.each([
    ['letters', 'abc'],
    ['empty', ''],
    ['six digits', '123456'],
    ['a decimal', '1.5'],
    ['negative', -1],
    ['missing', undefined],
  ])('throws TriggerShapeError when the partition id is %s', (_, partitionId) => {
    // Prepare
    const { messages, triggerMetadata } = ordersWith({ partitionContext: { partitionId } });

    // Act
    const act = () => eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(/partitionId/);
  });

  it.each([
    ['a single Buffer (cardinality one)', Buffer.from('{}')],
    ['undefined', undefined],
  ])('throws TriggerShapeError that points at the registration when messages is %s', (_, messages) => {
    // Prepare
    const { triggerMetadata } = ordersBatch();

    // Act
    const act = () => eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(/cardinality: 'many'/);
  });

  it('throws TriggerShapeError when triggerMetadata lacks the batch arrays', () => {
    // Prepare
    const { messages } = ordersBatch();

    // Act
    const act = () => eventHubsBatchToRecords('orders', messages, { partitionContext: { partitionId: '3' } });

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(/sequenceNumberArray/);
  });

  it('returns no records for an empty batch', () => {
    // Prepare
    const { triggerMetadata } = firstOrderWith({
      sequenceNumberArray: [],
      enqueuedTimeUtcArray: [],
      offsetArray: [],
      offsetStringArray: [],
      partitionKeyArray: [],
      propertiesArray: [],
      systemPropertiesArray: [],
    });

    // Act
    const records = eventHubsBatchToRecords('orders', [], triggerMetadata);

    // Assess
    expect(records).toEqual([]);
  });
});
