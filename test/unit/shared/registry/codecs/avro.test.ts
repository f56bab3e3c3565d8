import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { compileAvro } from '../../../../../shared/registry/codecs/avro.js';
import { decodedJson } from '../../../../../shared/registry/decodedJson.js';

/** Writes with plain avsc (no logical types): the underlying values, as any Avro producer sends them. */
function decodeOne(fieldType: unknown, underlying: unknown): unknown {
  const schema = { type: 'record', name: 'R', fields: [{ name: 'f', type: fieldType }] };
  const bytes = avro.Type.forSchema(schema as avro.Schema).toBuffer({ f: underlying });
  return JSON.parse(
    decodedJson(compileAvro({ definition: JSON.stringify(schema), references: [] })(bytes).value),
  ).f;
}

/** A long as Avro's zigzag varint, for values plain avsc will not write (past 2^53). */
function zigzagLong(value: bigint): Buffer {
  let zigzag = value >= 0n ? value << 1n : (-value << 1n) - 1n;
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number((zigzag & 0x7fn) | 0x80n));
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return Buffer.from(bytes);
}

const fixed = (size: number, logicalType: string, extra: object = {}) => ({
  type: 'fixed',
  name: `F${size}${logicalType.replace('-', '')}`,
  size,
  logicalType,
  ...extra,
});

describe('Function: compileAvro', () => {
  it.each([
    [
      'timestamp-millis',
      { type: 'long', logicalType: 'timestamp-millis' },
      1714521600123,
      '2024-05-01T00:00:00.123Z',
    ],
    [
      'timestamp-millis before 1970',
      { type: 'long', logicalType: 'timestamp-millis' },
      -1,
      '1969-12-31T23:59:59.999Z',
    ],
    [
      'timestamp-micros',
      { type: 'long', logicalType: 'timestamp-micros' },
      1714521600123456,
      '2024-05-01T00:00:00.123456Z',
    ],
    [
      'local-timestamp-millis',
      { type: 'long', logicalType: 'local-timestamp-millis' },
      1714521600000,
      '2024-05-01T00:00:00.000',
    ],
    ['date', { type: 'int', logicalType: 'date' }, 19844, '2024-05-01'],
    ['time-millis', { type: 'int', logicalType: 'time-millis' }, 45_296_789, '12:34:56.789'],
    ['time-micros', { type: 'long', logicalType: 'time-micros' }, 45_296_789_012, '12:34:56.789012'],
    [
      'uuid on a string',
      { type: 'string', logicalType: 'uuid' },
      '0b7e5f8a-2f33-4c1e-9a39-2a5e0c4b8d11',
      '0b7e5f8a-2f33-4c1e-9a39-2a5e0c4b8d11',
    ],
    [
      'uuid on a fixed',
      fixed(16, 'uuid'),
      Buffer.from('0b7e5f8a2f334c1e9a392a5e0c4b8d11', 'hex'),
      '0b7e5f8a-2f33-4c1e-9a39-2a5e0c4b8d11',
    ],
    [
      'decimal on bytes',
      { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 },
      Buffer.from([0x04, 0xd2]),
      '12.34',
    ],
    [
      'a negative decimal on bytes',
      { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 },
      Buffer.from([0xfb, 0x2e]),
      '-12.34',
    ],
    [
      'a small decimal',
      { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 3 },
      Buffer.from([0xfb]),
      '-0.005',
    ],
    [
      'decimal on a fixed',
      fixed(8, 'decimal', { precision: 18, scale: 4 }),
      Buffer.from('0000000000bc614e', 'hex'),
      '1234.5678',
    ],
    ['bytes', 'bytes', Buffer.from([0xff, 0x00]), '/wA='],
    ['an enum', { type: 'enum', name: 'E', symbols: ['A', 'B'] }, 'B', 'B'],
    ['a map', { type: 'map', values: 'int' }, { a: 1, b: 2 }, { a: 1, b: 2 }],
    ['null of an optional', ['null', 'string'], null, null],
    ['the value of an optional', ['null', 'string'], 'x', 'x'],
    [
      'a nested record',
      { type: 'record', name: 'N', fields: [{ name: 'g', type: 'int' }] },
      { g: 7 },
      { g: 7 },
    ],
  ])('decodes %s', (_, fieldType, underlying, expected) => {
    // Act
    const decoded = decodeOne(fieldType, underlying);

    // Assess
    expect(decoded).toEqual(expected);
  });

  it('keeps a long past 2^53 exact, as a JSON number', () => {
    // Act
    const { value: decoded } = compileAvro({ definition: '"long"', references: [] })(
      zigzagLong(2n ** 53n + 1n),
    );

    // Assess
    expect(decodedJson(decoded)).toBe('9007199254740993');
  });

  it.each([
    [
      'timestamp-micros of 9999-12-31, past 2^53',
      'timestamp-micros',
      253402300799999999n,
      '9999-12-31T23:59:59.999999Z',
    ],
    [
      'local-timestamp-micros past 2^53',
      'local-timestamp-micros',
      253402300799999999n,
      '9999-12-31T23:59:59.999999',
    ],
    ['timestamp-micros just before 1970', 'timestamp-micros', -1n, '1969-12-31T23:59:59.999999Z'],
    ['time-micros', 'time-micros', 86_399_999_999n, '23:59:59.999999'],
  ])(
    'decodes %s exactly, where avsc’s own long refuses values past 2^53',
    (_what, logicalType, micros, expected) => {
      // Act
      const { value } = compileAvro({
        definition: JSON.stringify({ type: 'long', logicalType }),
        references: [],
      })(zigzagLong(micros));

      // Assess
      expect(value).toBe(expected);
    },
  );

  it('writes a union of two records as Avro JSON encoding, naming the branch', () => {
    // Prepare
    const a = { type: 'record', name: 'A', fields: [{ name: 'x', type: 'int' }] };
    const b = { type: 'record', name: 'B', fields: [{ name: 'y', type: 'string' }] };
    const schema = { type: 'record', name: 'R', fields: [{ name: 'f', type: ['null', a, b] }] };
    const writer = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true });
    const bytes = writer.toBuffer({ f: { B: { y: 'z' } } });

    // Act
    const { value: decoded } = compileAvro({ definition: JSON.stringify(schema), references: [] })(bytes);

    // Assess
    expect(JSON.parse(decodedJson(decoded))).toEqual({ f: { B: { y: 'z' } } });
  });

  it('resolves named types from the references', () => {
    // Prepare
    const money = {
      type: 'record',
      name: 'Money',
      namespace: 'shop',
      fields: [{ name: 'units', type: 'int' }],
    };
    const order = {
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [{ name: 'total', type: 'shop.Money' }],
    };
    const bytes = avro.Type.forSchema({
      ...order,
      fields: [{ name: 'total', type: money }],
    } as avro.Schema).toBuffer({
      total: { units: 5 },
    });

    // Act
    const decode = compileAvro({
      definition: JSON.stringify(order),
      references: [{ name: 'shop.Money', definition: JSON.stringify(money) }],
    });

    // Assess
    expect(JSON.parse(decodedJson(decode(bytes).value))).toEqual({ total: { units: 5 } });
  });

  it.each([
    ['trailing bytes', Buffer.from([0x02, 0x00])],
    ['too few bytes', Buffer.alloc(0)],
  ])('refuses a payload with %s', (_, payload) => {
    // Prepare
    const decode = compileAvro({ definition: '"int"', references: [] });

    // Act
    const act = () => decode(payload);

    // Assess
    expect(act).toThrow();
  });

  it('refuses a schema that is not Avro', () => {
    // Act
    const act = () => compileAvro({ definition: '{"type":"record","name":"R"}', references: [] });

    // Assess
    expect(act).toThrow();
  });
});
