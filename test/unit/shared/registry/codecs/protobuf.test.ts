import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { compileProtobuf } from '../../../../../shared/registry/codecs/protobuf.js';
import { decodedJson } from '../../../../../shared/registry/decodedJson.js';

const SCHEMA = `syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "confluent/type/decimal.proto";

message Header { string source = 1; }
enum Status { NEW = 0; PAID = 1; }
message Order {
  int64 id = 1;
  google.protobuf.Timestamp created = 2;
  confluent.type.Decimal amount = 3;
  Status status = 4;
  optional string note = 5;
  map<string, int32> tags = 6;
  repeated Line lines = 7;
  google.protobuf.StringValue coupon = 8;
  bytes raw = 9;
  int32 count = 10;
  oneof payment { string card = 11; string iban = 12; }
  message Line { string sku = 1; }
}`;

/** The same file, with its imports, written by protobufjs as a producer would encode it. */
function encoder(): protobuf.Root {
  const root = new protobuf.Root();
  root.addJSON(
    (protobuf.common.get('google/protobuf/timestamp.proto') as { nested: protobuf.INamespace['nested'] })
      .nested ?? {},
  );
  root.addJSON(
    (protobuf.common.get('google/protobuf/wrappers.proto') as { nested: protobuf.INamespace['nested'] })
      .nested ?? {},
  );
  protobuf.parse(
    'syntax = "proto3"; package confluent.type; message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }',
    root,
    { keepCase: true },
  );
  protobuf.parse(SCHEMA, root, { keepCase: true });
  root.resolveAll();
  return root;
}

/** Confluent's message indexes: a count, then the indexes, each a zigzag varint; [0] alone is one 0 byte. */
function framed(indexes: number[], payload: Uint8Array): Buffer {
  const writer = protobuf.Writer.create();
  if (indexes.length === 1 && indexes[0] === 0) writer.sint32(0);
  else {
    writer.sint32(indexes.length);
    for (const index of indexes) writer.sint32(index);
  }
  return Buffer.concat([writer.finish(), payload]);
}

const decode = compileProtobuf({ definition: SCHEMA, references: [] }, 'confluent');
const json = (bytes: Buffer) => decodedJson(decode(bytes).value);

describe('Function: compileProtobuf', () => {
  it('decodes the message its indexes name, with well-known types, Confluent decimals and exact 64-bit integers', () => {
    // Prepare
    const Order = encoder().lookupType('shop.Order');
    const payload = Order.encode(
      Order.fromObject({
        id: '9007199254740993',
        created: { seconds: 1714521600, nanos: 123456789 },
        amount: { value: Buffer.from([0xfb, 0x2e]), precision: 6, scale: 2 },
        status: 'PAID',
        tags: { a: 1 },
        lines: [{ sku: 'X' }],
        coupon: { value: 'SPRING' },
        raw: Buffer.from([0xff]),
        iban: 'DE00',
      }),
    ).finish();

    // Act
    const line = json(framed([1], payload));

    // Assess
    expect(line).toBe(
      '{"id":9007199254740993,"created":"2024-05-01T00:00:00.123456789Z","amount":"-12.34","status":"PAID","tags":{"a":1},"lines":[{"sku":"X"}],"coupon":"SPRING","raw":"/w==","count":0,"iban":"DE00"}',
    );
  });

  it.each([
    ['[0] as the single 0 byte', [0], 'shop.Header', { source: 's' }, { source: 's' }],
    ['[1, 0], a nested message', [1, 0], 'shop.Order.Line', { sku: 'Y' }, { sku: 'Y' }],
  ])('reads message indexes %s and names the message they chose', (_, indexes, typeName, value, expected) => {
    // Prepare
    const type = encoder().lookupType(typeName);

    // Act
    const decoded = decode(framed(indexes, type.encode(type.fromObject(value)).finish()));

    // Assess
    expect(JSON.parse(decodedJson(decoded.value))).toEqual(expected);
    expect(decoded.message).toBe(typeName);
  });

  it('writes the defaults of fields without presence and leaves unset optional, message and oneof fields out', () => {
    // Act
    const decoded = JSON.parse(json(framed([1], new Uint8Array())));

    // Assess
    expect(decoded).toEqual({ id: 0, status: 'NEW', tags: {}, lines: [], raw: '', count: 0 });
  });

  it('takes imported files from the references the registry returned', () => {
    // Prepare
    const money = 'syntax = "proto3"; package common; message Money { int64 units = 1; }';
    const schema =
      'syntax = "proto3"; package shop; import "common/money.proto"; message Total { common.Money sum = 1; }';
    const root = new protobuf.Root();
    protobuf.parse(money, root, { keepCase: true });
    protobuf.parse(schema, root, { keepCase: true });
    const Total = root.lookupType('shop.Total');

    // Act
    const decoded = compileProtobuf(
      {
        definition: schema,
        references: [{ name: 'common/money.proto', definition: money }],
      },
      'confluent',
    )(framed([0], Total.encode(Total.fromObject({ sum: { units: 5 } })).finish())).value;

    // Assess
    expect(JSON.parse(decodedJson(decoded))).toEqual({ sum: { units: 5 } });
  });

  it.each([
    ['indexes that name no message', framed([7], new Uint8Array())],
    ['an impossible index count', Buffer.from([0x7f])],
  ])('refuses %s', (_, payload) => {
    // Act
    const act = () => decode(payload);

    // Assess
    expect(act).toThrow();
  });

  it('refuses a schema whose import the registry did not return', () => {
    // Act
    const act = () =>
      compileProtobuf(
        {
          definition: 'syntax = "proto3"; import "other.proto"; message M { other.T t = 1; }',
          references: [],
        },
        'confluent',
      );

    // Assess
    expect(act).toThrow();
  });

  it("reads Glue's message index: one varint into every message of the file, map entries included, sorted by name", () => {
    // Prepare: the sorted names are Header, Order, Order.Line, Order.TagsEntry, so Order.Line is 2
    const decodeGlue = compileProtobuf({ definition: SCHEMA, references: [] }, 'glue');
    const Line = encoder().lookupType('shop.Order.Line');
    const payload = Line.encode(Line.fromObject({ sku: 'Z' })).finish();

    // Act
    const decoded = decodeGlue(Buffer.concat([Buffer.from([2]), payload]));

    // Assess
    expect(decoded.message).toBe('shop.Order.Line');
    expect(JSON.parse(decodedJson(decoded.value))).toEqual({ sku: 'Z' });
    expect(() => decodeGlue(Buffer.from([3]))).toThrow(/message index 3 names no message/);
  });
});
