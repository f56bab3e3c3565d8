import { afterEach, describe, expect, it } from 'vitest';
import { eventHubsBatchToRecords } from '../../../../shared/adapters/eventHubsTrigger.js';
import { TriggerShapeError } from '../../../../shared/errors.js';
import { binaryBatch, firstOrderWith, ordersBatch, ordersWith } from '../../../helpers/eventHubsBatches.js';

describe('Function: eventHubsBatchToRecords (coordinates)', () => {
  const originalTimeZone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTimeZone;
  });

  it.each([
    ['a zone-less time as UTC', '2026-11-21T12:00:01.123', Date.UTC(2026, 10, 21, 12, 0, 1, 123)],
    ['a zone-less time without fraction as UTC', '2026-11-21T12:01:00', Date.UTC(2026, 10, 21, 12, 1, 0)],
    [
      'a seven-digit fraction truncated to milliseconds',
      '2026-11-21T12:00:01.1239999',
      Date.UTC(2026, 10, 21, 12, 0, 1, 123),
    ],
    ['a time with Z', '2026-11-21T12:00:01.5Z', Date.UTC(2026, 10, 21, 12, 0, 1, 500)],
    ['a time with an offset', '2026-11-21T14:00:01+02:00', Date.UTC(2026, 10, 21, 12, 0, 1)],
    ['a Date object', new Date(Date.UTC(2026, 10, 21, 12, 0, 1, 7)), Date.UTC(2026, 10, 21, 12, 0, 1, 7)],
  ])('reads %s whatever the machine time zone', (_, enqueuedTime, expected) => {
    // Prepare: a zone far from UTC makes a local-time parse visible.
    process.env.TZ = 'America/New_York';
    const { messages, triggerMetadata } = firstOrderWith({ enqueuedTimeUtcArray: [enqueuedTime] });

    // Act
    const [record] = eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(record?.brokerTime).toBe(expected);
  });

  it.each([
    ['not a time', 'yesterday'],
    ['the 31st of February', '2026-02-31T00:00:00'],
    ['hour 24', '2026-11-21T24:00:00'],
    ['before 1970', '1969-12-31T23:59:59'],
    ['an invalid Date', new Date(Number.NaN)],
    ['missing', null],
  ])('reads an enqueued time that is %s as NaN, for the pipeline to place by arrival', (_, enqueuedTime) => {
    // Prepare
    const { messages, triggerMetadata } = firstOrderWith({ enqueuedTimeUtcArray: [enqueuedTime] });

    // Act
    const [record] = eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(record?.brokerTime).toBeNaN();
    expect(record?.position).toBe(1187);
  });

  it.each([
    ['negative', -1],
    ['beyond safe integers', 2 ** 53],
    ['fractional', 1.5],
    ['not a number', Number.NaN],
    ['a non-decimal string', '12a'],
    ['a negative Long', { low: -1, high: -1, unsigned: false }],
    ['missing', null],
  ])('throws TriggerShapeError when a sequence number is %s', (_, sequenceNumber) => {
    // Prepare
    const { messages, triggerMetadata } = firstOrderWith({ sequenceNumberArray: [sequenceNumber] });

    // Act
    const act = () => eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(/sequenceNumberArray\[0\]/);
  });

  it.each([
    ['a Long-like object (worker 3.16.0)', { low: 2251, high: 0, unsigned: false }, 2251],
    ['a Long-like object above 2^32', { low: 5, high: 1, unsigned: false }, 2 ** 32 + 5],
    ['a decimal string', '2251', 2251],
    ['a bigint', 2251n, 2251],
  ])('accepts a sequence number given as %s', (_, sequenceNumber, expected) => {
    // Prepare
    const { messages, triggerMetadata } = firstOrderWith({ sequenceNumberArray: [sequenceNumber] });

    // Act
    const [record] = eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(record?.position).toBe(expected);
  });

  it('gives null keys when an unkeyed batch delivers partitionKeyArray as []', () => {
    // Prepare
    const { messages, triggerMetadata } = binaryBatch();

    // Act
    const records = eventHubsBatchToRecords('telemetry', messages, triggerMetadata);

    // Assess
    expect(records.map((record) => record.key)).toEqual([null, null, null, null]);
  });

  it('takes keys from the system properties, which keep nulls and the exact key text', () => {
    // Prepare: "1e3" arrives parsed as 1000 in partitionKeyArray, and the null key is missing there.
    const { messages, triggerMetadata } = ordersBatch();
    const metadata = triggerMetadata as { systemPropertiesArray: Record<string, unknown>[] };
    const keys = ['1e3', null, 'cust-1042', null, 'cust-0007'];
    const systemPropertiesArray = metadata.systemPropertiesArray.map((properties, index) => ({
      ...properties,
      partitionKey: keys[index],
    }));
    const batch = ordersWith({ systemPropertiesArray, partitionKeyArray: [1000, 'cust-1042', 'cust-0007'] });

    // Act
    const records = eventHubsBatchToRecords('orders', messages, batch.triggerMetadata);

    // Assess
    expect(records.map((record) => record.key?.toString() ?? null)).toEqual(keys);
  });

  it('takes the key from partitionKeyArray when there are no system properties, restoring parsed numbers', () => {
    // Prepare
    const { messages, triggerMetadata } = firstOrderWith({
      systemPropertiesArray: undefined,
      partitionKeyArray: [42],
    });

    // Act
    const [record] = eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(record?.key?.toString()).toBe('42');
    expect(record?.systemProperties).toEqual({});
  });

  it('prefers offsetStringArray when offsetArray holds -1 for an opaque offset', () => {
    // Prepare
    const { messages, triggerMetadata } = firstOrderWith({
      offsetArray: [-1],
      offsetStringArray: ['A:7:4294971392'],
    });

    // Act
    const [record] = eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(record?.offset).toBe('A:7:4294971392');
  });

  it('falls back to offsetArray and rejects an offset the library could not parse exactly', () => {
    // Prepare
    const exact = firstOrderWith({ offsetStringArray: undefined, offsetArray: [616008] });
    const rounded = firstOrderWith({ offsetStringArray: undefined, offsetArray: [2 ** 60] });

    // Act
    const [record] = eventHubsBatchToRecords('orders', exact.messages, exact.triggerMetadata);
    const act = () => eventHubsBatchToRecords('orders', rounded.messages, rounded.triggerMetadata);

    // Assess
    expect(record?.offset).toBe('616008');
    expect(act).toThrow(TriggerShapeError);
  });

  it('keeps property names as delivered and writes structured values as JSON text', () => {
    // Prepare
    const properties = { tenantId: 'contoso', TenantID: 'typo', nested: { a: 1 }, list: [1, 'x'] };
    const { messages, triggerMetadata } = firstOrderWith({ propertiesArray: [properties] });

    // Act
    const [record] = eventHubsBatchToRecords('orders', messages, triggerMetadata);

    // Assess
    expect(record?.headers).toEqual([
      { name: 'tenantId', value: 'contoso' },
      { name: 'TenantID', value: 'typo' },
      { name: 'nested', value: '{"a":1}' },
      { name: 'list', value: '[1,"x"]' },
    ]);
  });
});
