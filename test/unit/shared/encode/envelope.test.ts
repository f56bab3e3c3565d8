import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envelopeHead, envelopeMetadata } from '../../../../shared/encode/envelope.js';
import type { HeaderValue } from '../../../../shared/record.js';
import { makeRecord } from '../../../helpers/factories.js';

/** Bytes that are UTF-8 text (quotes, escapes and non-ASCII included) or not UTF-8 at all. */
const bytes = fc.oneof(
  fc.string({ unit: 'binary' }).map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 12 }).map((array) => Buffer.from(array)),
);

const headerValue: fc.Arbitrary<HeaderValue> = fc.oneof(
  bytes,
  fc.string({ unit: 'binary' }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const record = fc
  .record({
    topic: fc.string({ unit: 'binary' }),
    partition: fc.nat(64).map(String),
    position: fc.maxSafeNat(),
    offset: fc.string({ unit: 'binary' }),
    brokerTime: fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }).map(Math.trunc),
    key: fc.option(bytes),
    headers: fc.array(fc.record({ name: fc.string({ unit: 'binary' }), value: headerValue }), {
      maxLength: 3,
    }),
    systemProperties: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
  })
  .map((fields) => makeRecord(fields));

describe('Function: envelopeHead', () => {
  it('writes the text JSON.stringify gives the envelope metadata, without its closing brace', () => {
    fc.assert(
      fc.property(record, (captured) => {
        // Act
        const head = envelopeHead(captured);

        // Assess
        expect(head).toBe(JSON.stringify(envelopeMetadata(captured)).slice(0, -1));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a Kafka record with a text key and a binary header as one JSON object once closed', () => {
    // Prepare
    const captured = makeRecord({
      key: Buffer.from('order-"7"'),
      headers: [{ name: 'trace', value: Buffer.from([0xff, 0x00]) }],
    });

    // Act
    const closed = JSON.parse(`${envelopeHead(captured)}}`);

    // Assess
    expect(closed).toEqual({
      topic: 'orders',
      partition: '0',
      offset: '0',
      position: 0,
      timestamp: '2026-11-21T12:00:00.000Z',
      key: 'order-"7"',
      headers: [{ name: 'trace', value: { base64: '/wA=' } }],
    });
  });
});
