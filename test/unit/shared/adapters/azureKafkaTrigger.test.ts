import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readKafkaEventFile } from '../../../../local/platforms/eventFiles.js';
import { azureKafkaBatchToRecords } from '../../../../shared/adapters/azureKafkaTrigger.js';
import { TriggerShapeError } from '../../../../shared/errors.js';

const eventPath = (name: string) =>
  fileURLToPath(new URL(`../../../../samples/events/${name}`, import.meta.url));
const clicksBatch = () => readKafkaEventFile(eventPath('kafka-batch.json'));

/** The first fixture event with some KafkaEventData fields replaced (or removed with `undefined`). */
function clickWith(overrides: Record<string, unknown>): Record<string, unknown> {
  const [first] = clicksBatch().events as Record<string, unknown>[];
  return { ...first, ...overrides };
}

const clickValue = (userId: string, sessionId: string, page: string, element: string, ts: string) =>
  Buffer.from(JSON.stringify({ event: 'click', userId, sessionId, page, element, ts }));

describe('Function: azureKafkaBatchToRecords', () => {
  it.each([
    [
      0,
      '0',
      5120,
      Date.UTC(2026, 10, 21, 12, 0, 0, 42),
      'user-31',
      [
        {
          name: 'traceparent',
          value: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
        },
        { name: 'content-type', value: Buffer.from('application/json') },
      ],
      clickValue('user-31', 's-31a9', '/cart', 'checkout-button', '2026-11-21T12:00:00.031Z'),
    ],
    [
      1,
      '1',
      877,
      Date.UTC(2026, 10, 21, 12, 0, 0, 300),
      null,
      [],
      clickValue('anon-07', 's-07a9', '/', 'hero-banner', '2026-11-21T12:00:00.288Z'),
    ],
    [
      2,
      '0',
      5121,
      Date.UTC(2026, 10, 21, 12, 0, 59, 999),
      'user-31',
      [
        {
          name: 'traceparent',
          value: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01'),
        },
      ],
      clickValue('user-31', 's-31a9', '/checkout', 'pay-button', '2026-11-21T12:00:59.990Z'),
    ],
    [
      3,
      '1',
      878,
      Date.UTC(2026, 10, 21, 12, 1, 0, 0),
      'user-8',
      [
        { name: 'content-type', value: Buffer.from('application/json') },
        { name: 'x-retry', value: null },
      ],
      clickValue('user-8', 's-08a9', '/search?q=müsli', 'result-3', '2026-11-21T12:00:59.998Z'),
    ],
    [
      4,
      '0',
      5122,
      Date.UTC(2026, 10, 21, 12, 1, 0, 500),
      null,
      [],
      clickValue('anon-12', 's-12a9', '/help', 'chat-open', '2026-11-21T12:01:00.480Z'),
    ],
  ])('maps every field of fixture event %i', (index, partition, position, brokerTime, key, headers, body) => {
    // Prepare
    const { events } = clicksBatch();

    // Act
    const records = azureKafkaBatchToRecords('clicks', events);

    // Assess
    expect(records).toHaveLength(5);
    expect(records[index]).toEqual({
      topic: 'clicks',
      deliveredTopic: 'clicks',
      partition,
      position,
      offset: String(position),
      brokerTime,
      key: key === null ? null : Buffer.from(key),
      headers,
      systemProperties: {},
      body,
    });
  });

  it('gives the same records for JSON-string events as for parsed events', () => {
    // Prepare
    const parsed = clicksBatch().events;
    const strings = readKafkaEventFile(eventPath('kafka-batch-strings.json')).events;

    // Act
    const fromStrings = azureKafkaBatchToRecords('clicks', strings);
    const fromObjects = azureKafkaBatchToRecords('clicks', parsed);

    // Assess
    expect(strings.every((event) => typeof event === 'string')).toBe(true);
    expect(fromStrings).toEqual(fromObjects);
  });

  it('decodes base64 header values to their exact bytes, including non-UTF-8 bytes', () => {
    // Prepare
    const bytes = Buffer.from([0x00, 0xff, 0xc3, 0x28, 0x0a]);
    const event = clickWith({ Headers: [{ Key: 'schema-fingerprint', Value: bytes.toString('base64') }] });

    // Act
    const [record] = azureKafkaBatchToRecords('clicks', [event]);

    // Assess
    expect(record?.headers).toEqual([{ name: 'schema-fingerprint', value: bytes }]);
  });

  it.each([
    ['a null key', { Key: null }, null],
    ['no Key field (older extension)', { Key: undefined }, null],
    ['a key parsed to a number (keyDataType Long)', { Key: 42 }, '42'],
    ['an empty key', { Key: '' }, ''],
  ])('maps %s', (_, overrides, expected) => {
    // Prepare
    const event = clickWith(overrides);

    // Act
    const [record] = azureKafkaBatchToRecords('clicks', [event]);

    // Assess
    expect(record?.key === null ? null : record?.key.toString()).toBe(expected);
  });

  it.each([
    ['ISO with Z', '2026-11-21T12:00:00.042Z', Date.UTC(2026, 10, 21, 12, 0, 0, 42)],
    ['ISO without fraction', '2026-11-21T12:01:00Z', Date.UTC(2026, 10, 21, 12, 1, 0)],
    ['ISO with seven fraction digits', '2026-11-21T12:00:00.0429999Z', Date.UTC(2026, 10, 21, 12, 0, 0, 42)],
    ['ISO without zone', '2026-11-21T12:00:00.042', Date.UTC(2026, 10, 21, 12, 0, 0, 42)],
    ['epoch milliseconds', Date.UTC(2026, 10, 21, 12, 0, 0, 42), Date.UTC(2026, 10, 21, 12, 0, 0, 42)],
    ['the epoch (no timestamp on the record)', '1970-01-01T00:00:00Z', 0],
  ])('reads a Timestamp given as %s', (_, timestamp, expected) => {
    // Prepare
    const event = clickWith({ Timestamp: timestamp });

    // Act
    const [record] = azureKafkaBatchToRecords('clicks', [event]);

    // Assess
    expect(record?.brokerTime).toBe(expected);
  });

  it('keeps the configured topic when the event names another', () => {
    // Prepare
    const event = clickWith({ Topic: 'clicks-v2' });

    // Act
    const [record] = azureKafkaBatchToRecords('clicks', [event]);

    // Assess
    expect(record?.topic).toBe('clicks');
  });

  it('gives a tombstone (null Value) an empty body', () => {
    // Prepare
    const event = clickWith({ Value: null });

    // Act
    const [record] = azureKafkaBatchToRecords('clicks', [event]);

    // Assess
    expect(record?.body).toEqual(Buffer.alloc(0));
  });

  it.each([
    ['-1 (a producer that set none)', -1],
    ['text that is not a time', 'soon'],
    ['past the year 9999', 253402300800000],
  ])('reads a Timestamp of %s as NaN, so one record cannot hold its partition', (_, timestamp) => {
    // Act
    const [record] = azureKafkaBatchToRecords('clicks', [clickWith({ Timestamp: timestamp })]);

    // Assess
    expect(record?.brokerTime).toBeNaN();
  });

  it.each([
    ['text that is not JSON', 'not json', /not KafkaEventData JSON/],
    ['an object without Value', clickWith({ Value: undefined }), /Value/],
    ['an object whose Value is parsed JSON', clickWith({ Value: { event: 'click' } }), /Value/],
    ['a negative Partition', clickWith({ Partition: -1 }), /Partition/],
    ['a six-digit Partition', clickWith({ Partition: 123456 }), /Partition/],
    ['a negative Offset', clickWith({ Offset: -1 }), /Offset/],
    ['an Offset beyond safe integers', clickWith({ Offset: 2 ** 53 }), /Offset/],
    [
      'a header value that is not base64',
      clickWith({ Headers: [{ Key: 'k', Value: 'ab$=' }] }),
      /Headers\[0\]\.Value/,
    ],
    ['a header without Key', clickWith({ Headers: [{ Value: 'YQ==' }] }), /Headers/],
  ])('throws TriggerShapeError when an event is %s', (_, event, message) => {
    // Act
    const act = () => azureKafkaBatchToRecords('clicks', [event]);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(message);
    expect(act).toThrow(/events\[0\]/);
  });

  it.each([
    ['a single event object (cardinality one)', clickWith({})],
    ['null', null],
  ])('throws TriggerShapeError when events is %s', (_, events) => {
    // Act
    const act = () => azureKafkaBatchToRecords('clicks', events);

    // Assess
    expect(act).toThrow(TriggerShapeError);
    expect(act).toThrow(/cardinality: 'many'/);
  });
});
