import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lambdaKafkaEventToRecords } from '../../../../shared/adapters/lambdaKafkaEvent.js';
import { TriggerShapeError } from '../../../../shared/errors.js';

const fixture = (name: string) => JSON.parse(readFileSync(`samples/events/${name}`, 'utf8'));

/** The MSK fixture with one record replaced, to probe a single field. */
function mskWith(change: (record: Record<string, unknown>) => void) {
  const event = fixture('msk-event.json');
  change(event.records['payments-0'][0]);
  return event;
}

describe('Lambda Kafka event adapter', () => {
  it('decodes the MSK event: coordinates, keys, base64 values and signed header bytes', () => {
    const records = lambdaKafkaEventToRecords('payments', fixture('msk-event.json'));

    expect(records.map((record) => [record.partition, record.position, record.offset])).toEqual([
      ['0', 1041, '1041'],
      ['0', 1042, '1042'],
      ['0', 1043, '1043'],
      ['3', 88, '88'],
    ]);
    const [first, , third, unkeyed] = records;
    expect(first?.brokerTime).toBe(Date.UTC(2026, 10, 21, 12, 0, 1, 200));
    expect(first?.key?.toString()).toBe('customer-17');
    expect(JSON.parse(first?.body.toString() ?? '')).toMatchObject({
      paymentId: 'p-1041',
      status: 'authorized',
    });
    expect(first?.headers[0]?.name).toBe('traceparent');
    // Java bytes are signed: -17 is 0xef, -128 is 0x80, -1 is 0xff.
    expect(first?.headers[1]).toEqual({
      name: 'trace-bin',
      value: Buffer.from([0xef, 3, 127, 0x80, 0, 42, 0xff, 8]),
    });
    expect(third?.body.toString()).toContain('café');
    expect(third?.headers).toEqual([
      { name: 'source', value: Buffer.from('checkout') },
      { name: 'source', value: Buffer.from('retry') },
    ]);
    expect(unkeyed?.key).toBeNull();
    expect(records.every((record) => record.topic === 'payments')).toBe(true);
  });

  it('decodes the self-managed event and leaves a missing producer timestamp unusable, not wrong', () => {
    const records = lambdaKafkaEventToRecords('telemetry', fixture('self-managed-kafka-event.json'));

    expect(records.map((record) => record.position)).toEqual([500, 501, 502]);
    expect(records[1]?.brokerTime).toBeNaN();
    expect(records[2]?.body.toString()).toBe('not json at all');
  });

  it('keeps bytes that are not UTF-8 exactly and reads a tombstone as an empty body', () => {
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const [record] = lambdaKafkaEventToRecords(
      'payments',
      mskWith((raw) => {
        raw.value = binary.toString('base64');
      }),
    );
    expect(record?.body).toEqual(binary);

    const [tombstone] = lambdaKafkaEventToRecords(
      'payments',
      mskWith((raw) => {
        delete raw.value;
      }),
    );
    expect(tombstone?.body.length).toBe(0);
  });

  it.each([
    ['not an object', () => 'hello', /not a Lambda Kafka event/],
    ['another event source', () => ({ ...fixture('msk-event.json'), eventSource: 'aws:sqs' }), /eventSource/],
    ['records not keyed by partition', () => ({ eventSource: 'aws:kafka', records: [] }), /records/],
    [
      'a value that is not base64',
      () => mskWith((raw) => Object.assign(raw, { value: 'a*b=' })),
      /\.value is not valid base64/,
    ],
    [
      'a negative offset',
      () => mskWith((raw) => Object.assign(raw, { offset: -4 })),
      /offset is .*not a non-negative/,
    ],
    [
      'a partition that is not a number',
      () => mskWith((raw) => Object.assign(raw, { partition: 'p0' })),
      /partition is text of 2 characters, not a partition id/,
    ],
    [
      'header bytes out of range',
      () => mskWith((raw) => Object.assign(raw, { headers: [{ h: [300] }] })),
      /headers/,
    ],
    [
      'a header entry with two names',
      () => mskWith((raw) => Object.assign(raw, { headers: [{ a: [1], b: [2] }] })),
      /headers\[0\] has 2 names/,
    ],
  ])('rejects %s with a message naming the place', (_case, makeEvent, message) => {
    const convert = () => lambdaKafkaEventToRecords('payments', makeEvent());
    expect(convert).toThrow(TriggerShapeError);
    expect(convert).toThrow(message);
  });

  it('names the record that is wrong', () => {
    expect(() =>
      lambdaKafkaEventToRecords(
        'payments',
        mskWith((raw) => Object.assign(raw, { key: '%%%' })),
      ),
    ).toThrow(`records["payments-0"][0].key is not valid base64`);
  });
});
