import { describe, expect, it } from 'vitest';
import { chunkBytes, DeadLetterReason } from '../../../../shared/encode/encodedRecord.js';
import { createRecordEncoder } from '../../../../shared/encode/recordEncoder.js';
import { minuteOf } from '../../../../shared/time.js';
import { lineText } from '../../../helpers/encodedLine.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';

const BROKER_TIME = Date.UTC(2026, 10, 21, 12, 34, 56);
const ARRIVAL = BROKER_TIME + 1000;

describe('Function: createRecordEncoder', () => {
  it('writes a JSON body as it came, one line, in the minute of its broker time', () => {
    // Prepare
    const encode = createRecordEncoder(topicConfig(), ARRIVAL);
    const body = Buffer.from('{"id": 7, "name":"ä"}');

    // Act
    const encoded = encode(makeRecord({ body, brokerTime: BROKER_TIME, position: 41 }));

    // Assess
    expect(encoded).toMatchObject({ kind: 'data', position: 41, minute: minuteOf(BROKER_TIME) });
    expect(lineText(encoded)).toBe('{"id": 7, "name":"ä"}');
  });

  it('puts a pretty-printed JSON body on one line, keeping its tokens', () => {
    // Prepare
    const encode = createRecordEncoder(topicConfig(), ARRIVAL);

    // Act
    const encoded = encode(makeRecord({ body: Buffer.from('{\r\n  "id": 7,\n  "tags": ["a"]\n}') }));

    // Assess
    expect(lineText(encoded)).toBe('{"id":7,"tags":["a"]}');
  });

  it('wraps the body in an envelope with coordinates, key and headers when configured', () => {
    // Prepare
    const encode = createRecordEncoder(topicConfig({ jsonl: { envelope: true } }), ARRIVAL);
    const record = makeRecord({
      partition: '3',
      position: 1200,
      offset: '4294967296',
      brokerTime: BROKER_TIME,
      key: Buffer.from('user-1'),
      headers: [
        { name: 'trace', value: Buffer.from('abc') },
        { name: 'binary', value: Buffer.from([0xff, 0x00]) },
        { name: 'count', value: 3 },
        { name: 'trace', value: Buffer.from('again') },
      ],
      systemProperties: { 'x-opt-sequence-number': 1200 },
      body: Buffer.from('{"a":1}'),
    });

    // Act
    const line = JSON.parse(lineText(encode(record)));

    // Assess
    expect(line).toEqual({
      topic: 'orders',
      partition: '3',
      offset: '4294967296',
      position: 1200,
      timestamp: '2026-11-21T12:34:56.000Z',
      key: 'user-1',
      headers: [
        { name: 'trace', value: 'abc' },
        { name: 'binary', value: { base64: '/wA=' } },
        { name: 'count', value: 3 },
        { name: 'trace', value: 'again' },
      ],
      systemProperties: { 'x-opt-sequence-number': 1200 },
      body: { a: 1 },
    });
  });

  it.each([
    ['invalid JSON', Buffer.from('{"a":'), DeadLetterReason.invalidJson],
    ['an empty body', Buffer.alloc(0), DeadLetterReason.emptyBody],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), DeadLetterReason.notUtf8],
    ['a body over maxRecordBytes', Buffer.from(`"${'x'.repeat(2000)}"`), DeadLetterReason.tooLarge],
    ['a NUL byte outside a string', Buffer.from('{"a":1}\u0000'), DeadLetterReason.invalidJson],
  ])('dead-letters %s with the reason, coordinates and original bytes', (_case, body, reason) => {
    // Prepare
    const encode = createRecordEncoder(topicConfig({ maxRecordBytes: 1024 }), ARRIVAL);
    const record = makeRecord({ partition: '2', position: 9, brokerTime: BROKER_TIME, body });

    // Act
    const encoded = encode(record);

    // Assess
    expect(encoded).toMatchObject({ kind: 'deadletter', reason, minute: minuteOf(BROKER_TIME) });
    const line = JSON.parse(lineText(encoded));
    expect(line).toMatchObject({ reason, topic: 'orders', partition: '2', offset: '9', position: 9 });
    expect(Buffer.from(line.bodyBase64, 'base64').equals(body)).toBe(true);
    expect(line.detail).toEqual(expect.any(String));
  });

  it.each([
    ['text', Buffer.from('plain text'), { bodyText: 'plain text' }],
    ['binary', Buffer.from([0xff, 0xfe]), { bodyBase64: '//4=' }],
    ['empty', Buffer.alloc(0), { bodyText: '' }],
  ])('keeps a %s body in the envelope when nonJsonBodies is keep', (_case, body, expected) => {
    // Prepare
    const encode = createRecordEncoder(
      topicConfig({ jsonl: { envelope: true, nonJsonBodies: 'keep' } }),
      ARRIVAL,
    );

    // Act
    const encoded = encode(makeRecord({ body }));

    // Assess
    expect(encoded.kind).toBe('data');
    expect(JSON.parse(lineText(encoded))).toMatchObject(expected);
  });

  it('still dead-letters an oversized body when nonJsonBodies is keep', () => {
    // Prepare
    const encode = createRecordEncoder(
      topicConfig({ maxRecordBytes: 10, jsonl: { envelope: true, nonJsonBodies: 'keep' } }),
      ARRIVAL,
    );

    // Act & Assess
    expect(encode(makeRecord({ body: Buffer.from('x'.repeat(11)) })).reason).toBe(DeadLetterReason.tooLarge);
  });

  it.each([
    ['an ISO string', { meta: { at: '2026-11-21T08:05:00Z' } }, Date.UTC(2026, 10, 21, 8, 5), false],
    [
      'epoch milliseconds',
      { meta: { at: Date.UTC(2026, 10, 21, 9, 0) } },
      Date.UTC(2026, 10, 21, 9, 0),
      false,
    ],
    ['a missing field', { meta: {} }, BROKER_TIME, true],
    ['a nonsense value', { meta: { at: 'yesterday' } }, BROKER_TIME, true],
    ['a year past 9999', { meta: { at: 253402300800000 } }, BROKER_TIME, true],
    ['a negative time', { meta: { at: -1 } }, BROKER_TIME, true],
  ])('places a record by its body time field given %s', (_case, body, expectedTime, fellBack) => {
    // Prepare
    const encode = createRecordEncoder(topicConfig({ timeSource: { field: 'meta.at' } }), ARRIVAL);

    // Act
    const encoded = encode(makeRecord({ brokerTime: BROKER_TIME, body: Buffer.from(JSON.stringify(body)) }));

    // Assess
    expect(encoded.minute).toBe(minuteOf(expectedTime));
    expect(encoded.timeFellBack).toBe(fellBack);
  });

  it('does not believe a body time more than five minutes past arrival and uses broker time', () => {
    // Prepare
    const encode = createRecordEncoder(topicConfig({ timeSource: { field: 'at' } }), ARRIVAL);
    const body = (at: number) => Buffer.from(JSON.stringify({ at }));

    // Act
    const believable = encode(makeRecord({ brokerTime: BROKER_TIME, body: body(ARRIVAL + 4 * 60_000) }));
    const unbelievable = encode(makeRecord({ brokerTime: BROKER_TIME, body: body(ARRIVAL + 6 * 60_000) }));

    // Assess
    expect(believable).toMatchObject({ minute: minuteOf(ARRIVAL + 4 * 60_000), timeFellBack: false });
    expect(unbelievable).toMatchObject({ minute: minuteOf(BROKER_TIME), timeFellBack: true });
  });

  it('never lets a body time run ahead of broker time for sealing', () => {
    // Prepare
    const encode = createRecordEncoder(topicConfig({ timeSource: { field: 'at' } }), ARRIVAL);
    const future = ARRIVAL + 60_000;

    // Act
    const encoded = encode(
      makeRecord({ brokerTime: BROKER_TIME, body: Buffer.from(JSON.stringify({ at: future })) }),
    );

    // Assess
    expect(encoded.minute).toBe(minuteOf(future));
    expect(encoded.watermarkTime).toBe(BROKER_TIME);
  });
});

describe('Function: createRecordEncoder for raw and Capture Avro', () => {
  it('writes a raw body as it came, one line, and dead-letters one with a line feed', () => {
    // Prepare
    const encode = createRecordEncoder(topicConfig({ format: 'raw' }), ARRIVAL);

    // Act
    const plain = encode(makeRecord({ body: Buffer.from([0x00, 0xff, 0x0d]) }));
    const multiline = encode(makeRecord({ body: Buffer.from('a\nb') }));

    // Assess
    expect(plain).toMatchObject({ kind: 'data', chunks: [Buffer.from([0x00, 0xff, 0x0d])], lineBytes: 4 });
    expect(multiline).toMatchObject({ kind: 'deadletter', reason: DeadLetterReason.containsNewline });
  });

  it('writes any raw body after its length when length-prefixed, empty ones included', () => {
    // Prepare
    const encode = createRecordEncoder(
      topicConfig({ format: 'raw', raw: { delimiter: 'length-prefixed' } }),
      ARRIVAL,
    );

    // Act
    const encoded = [Buffer.from('a\nb'), Buffer.alloc(0)].map((body) => encode(makeRecord({ body })));

    // Assess
    expect(encoded.map((record) => Buffer.concat(record.chunks.map(chunkBytes)).toString('hex'))).toEqual([
      '00000003610a62',
      '00000000',
    ]);
    expect(encoded.map((record) => record.lineBytes)).toEqual([7, 4]);
  });

  it.each([
    ['an empty body', Buffer.alloc(0)],
    ['a body that is not JSON', Buffer.from([0xc3, 0x28])],
  ])('keeps %s in Capture Avro, where every body is bytes', (_case, body) => {
    // Prepare
    const encode = createRecordEncoder(topicConfig({ format: 'avro-capture' }), ARRIVAL);

    // Act
    const encoded = encode(makeRecord({ body }));

    // Assess
    expect(encoded.kind).toBe('data');
    expect(encoded.chunks.at(-1)).toBe(body);
  });

  it.each([
    ['raw', { format: 'raw' }],
    ['Capture Avro', { format: 'avro-capture' }],
  ] as const)('places a %s record by its JSON body time field', (_case, format) => {
    // Prepare
    const encode = createRecordEncoder(topicConfig({ ...format, timeSource: { field: 'at' } }), ARRIVAL);
    const at = Date.UTC(2026, 10, 21, 8, 5);

    // Act
    const encoded = encode(
      makeRecord({ brokerTime: BROKER_TIME, body: Buffer.from(JSON.stringify({ at })) }),
    );

    // Assess
    expect(encoded).toMatchObject({ minute: minuteOf(at), timeFellBack: false });
  });

  it('dead-letters a Capture Avro body over maxRecordBytes', () => {
    // Prepare
    const encode = createRecordEncoder(topicConfig({ format: 'avro-capture', maxRecordBytes: 4 }), ARRIVAL);

    // Act & Assess
    expect(encode(makeRecord({ body: Buffer.from('12345') })).reason).toBe(DeadLetterReason.tooLarge);
  });
});
