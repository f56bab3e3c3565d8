import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { azureKafkaBatchToRecords } from '../../../../shared/adapters/azureKafkaTrigger.js';
import { eventHubsBatchToRecords } from '../../../../shared/adapters/eventHubsTrigger.js';
import { lambdaKafkaEventToRecords } from '../../../../shared/adapters/lambdaKafkaEvent.js';
import { everyEntry } from '../../../../shared/adapters/shapeChecks.js';
import { TriggerShapeError } from '../../../../shared/errors.js';
import { ordersBatch } from '../../../helpers/eventHubsBatches.js';

/** An array of `length` entries whose every index is a hole. */
const holes = (length: number): unknown[] => new Array(length);

/** `entries` with a hole at `index` (spreading would turn the hole into undefined). */
function withHoleAt(entries: readonly unknown[], index: number): unknown[] {
  const sparse = holes(entries.length);
  entries.forEach((entry, at) => {
    if (at !== index) sparse[at] = entry;
  });
  return sparse;
}

describe('Function: everyEntry', () => {
  it('tests the holes of a sparse array as undefined, which every() skips', () => {
    // Prepare
    const sparse = withHoleAt([1, 2, 3], 1);

    // Act
    const passed = everyEntry(sparse, (entry) => typeof entry === 'number');

    // Assess
    expect(passed).toBe(false);
    expect(sparse.every((entry) => typeof entry === 'number')).toBe(true);
  });
});

describe('Adapters: a batch the quick shape check cannot accept goes to the schema, which refuses it', () => {
  it.each([
    ['a partition context without partitionId', { partitionContext: {} }],
    ['a sparse propertiesArray', { propertiesArray: holes(3) }],
    ['a sparse systemPropertiesArray', { systemPropertiesArray: holes(3) }],
  ])('Event Hubs: %s', (_, overrides) => {
    // Prepare
    const { messages, triggerMetadata } = ordersBatch();
    const broken = { ...(triggerMetadata as Record<string, unknown>), ...overrides };

    // Act
    const act = () => eventHubsBatchToRecords('orders', messages, broken);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(/not the Event Hubs batch shape \(register the trigger with cardinality: 'many'/);
  });

  /** Two binary-mode Kafka records, each with a header. */
  const kafkaMetadata = () => ({
    partitionArray: [0, 0],
    offsetArray: [7, 8],
    timestampArray: ['2026-11-21T12:00:00Z', '2026-11-21T12:00:01Z'],
    keyArray: ['a', null],
    headersArray: [[{ key: 'h', value: 'AQ==' }], [{ key: 'h', value: null }]],
  });
  const kafkaValues = () => [Buffer.from('{}'), Buffer.from('[]')];

  it.each([
    ['metadata of a class instance', () => Object.assign(new (class Metadata {})(), kafkaMetadata())],
    [
      'a header object of a class instance',
      () => ({
        ...kafkaMetadata(),
        headersArray: [
          [Object.assign(new (class Header {})(), { key: 'h', value: 'AQ==' })],
          [{ key: 'h', value: null }],
        ],
      }),
    ],
  ])('Azure Kafka: %s is read by the schema, as before the quick check', (_, metadata) => {
    // Act
    const records = azureKafkaBatchToRecords('orders', kafkaValues(), metadata());

    // Assess
    expect(records.map(({ position, headers }) => ({ position, headers }))).toEqual([
      { position: 7, headers: [{ name: 'h', value: Buffer.from([1]) }] },
      { position: 8, headers: [{ name: 'h', value: null }] },
    ]);
  });

  it.each([
    ['a header without a key', [[{ value: 'AQ==' }], []]],
    ['a header value that is a number', [[{ key: 'h', value: 1 }], []]],
    ['a hole among the headers', [holes(1), []]],
  ])('Azure Kafka: %s is refused', (_, headersArray) => {
    // Prepare
    const metadata = { ...kafkaMetadata(), headersArray };

    // Act
    const act = () => azureKafkaBatchToRecords('orders', kafkaValues(), metadata);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(/headersArray\[0\] is an array of 1, not a list of headers/);
  });

  const mskEvent = () => JSON.parse(readFileSync('samples/events/msk-event.json', 'utf8'));

  /** The fixture's records of partition 0, changed in place or replaced. */
  type Records = Record<string, unknown>[];

  it.each([
    [
      'an offset that is NaN',
      (records: Records) => [{ ...records[0], offset: Number.NaN }, ...records.slice(1)],
    ],
    [
      'a partition that is Infinity',
      (records: Records) => [{ ...records[0], partition: Number.POSITIVE_INFINITY }, ...records.slice(1)],
    ],
    ['a hole among the records', (records: Records) => withHoleAt(records, 1)],
  ])('Lambda Kafka: %s', (_, change) => {
    // Prepare
    const event = mskEvent();
    event.records['payments-0'] = change(event.records['payments-0']);

    // Act
    const act = () => lambdaKafkaEventToRecords('payments', event);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(/not a Lambda Kafka event/);
  });

  it('Lambda Kafka: a hole among a header’s bytes', () => {
    // Prepare
    const event = mskEvent();
    const [first] = event.records['payments-0'];
    first.headers = [{ traceparent: withHoleAt([0x30, 0x2d, 0x31], 1) }];

    // Act
    const act = () => lambdaKafkaEventToRecords('payments', event);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(/headers\[0\] holds .*not an array of bytes/);
  });
});
