import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readKafkaEventFile } from '../../../../local/platforms/eventFiles.js';
import { azureKafkaBatchToRecords } from '../../../../shared/adapters/azureKafkaTrigger.js';
import { TriggerShapeError } from '../../../../shared/errors.js';

const samplePath = fileURLToPath(
  new URL('../../../../samples/events/kafka-batch-binary.json', import.meta.url),
);

describe('Function: azureKafkaBatchToRecords (dataType binary)', () => {
  it('keeps every value byte for byte, bytes that are not UTF-8 included, with its coordinates from the metadata arrays', () => {
    // Prepare
    const { events, triggerMetadata } = readKafkaEventFile(samplePath);

    // Act
    const records = azureKafkaBatchToRecords('orders', events, triggerMetadata);

    // Assess
    expect(records.map((record) => record.body)).toEqual(events);
    expect(
      records.map(({ partition, position, offset, brokerTime }) => ({
        partition,
        position,
        offset,
        brokerTime,
      })),
    ).toEqual([
      { partition: '0', position: 5120, offset: '5120', brokerTime: Date.UTC(2026, 10, 21, 12, 0, 0, 42) },
      { partition: '0', position: 5121, offset: '5121', brokerTime: Date.UTC(2026, 10, 21, 12, 0, 59, 999) },
      { partition: '1', position: 877, offset: '877', brokerTime: Date.UTC(2026, 10, 21, 12, 0, 0, 300) },
    ]);
    expect(records.map((record) => record.key?.toString('utf8') ?? null)).toEqual([
      'order-31',
      null,
      'order-7',
    ]);
    expect(records[2]?.headers).toEqual([
      { name: 'content-type', value: Buffer.from('application/vnd.glue') },
    ]);
  });

  it('reads a tombstone (null value) as an empty body and headers sent as JSON text', () => {
    // Prepare
    const triggerMetadata = {
      partitionArray: [3],
      offsetArray: [{ low: 9, high: 0, unsigned: false }],
      timestampArray: ['2026-11-21T12:00:00Z'],
      keyArray: ['k'],
      headersArray: ['[{"key":"h","value":"/w=="}]'],
    };

    // Act
    const [record] = azureKafkaBatchToRecords('orders', [null], triggerMetadata);

    // Assess
    expect(record?.body).toEqual(Buffer.alloc(0));
    expect(record?.position).toBe(9);
    expect(record?.headers).toEqual([{ name: 'h', value: Buffer.from([0xff]) }]);
  });

  it.each([
    ['no headersArray', undefined],
    ['a null entry in headersArray', [null]],
    ['an empty list in headersArray', [[]]],
  ])('reads a record with %s as one without headers', (_, headersArray) => {
    // Prepare: the metadata an older extension or a record without headers hands over
    const triggerMetadata = { partitionArray: [0], offsetArray: [0], keyArray: [null], headersArray };

    // Act
    const [record] = azureKafkaBatchToRecords('orders', [Buffer.from('x')], triggerMetadata);

    // Assess
    expect(record?.headers).toEqual([]);
  });

  it.each([
    ['no metadata', undefined, /lacks the Kafka trigger's arrays/],
    [
      'an offset array of another length',
      { partitionArray: [0], offsetArray: [1, 2] },
      /offsetArray has 2 entries/,
    ],
    ['a negative partition', { partitionArray: [-1], offsetArray: [1] }, /partitionArray\[0\]/],
    [
      'headers that are not a list',
      { partitionArray: [0], offsetArray: [1], headersArray: [7] },
      /headersArray\[0\]/,
    ],
  ])('throws TriggerShapeError for %s', (_, triggerMetadata, message) => {
    // Act
    const act = () => azureKafkaBatchToRecords('orders', [Buffer.from([0xc3, 0x28])], triggerMetadata);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(message);
  });
});
