import { create, createFileRegistry, createMutableRegistry, type MutableRegistry } from '@bufbuild/protobuf';
import {
  FileDescriptorProtoSchema,
  file_google_protobuf_timestamp,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from '@bufbuild/protobuf/wkt';
import { file_confluent_types_decimal } from '@confluentinc/schemaregistry';

/**
 * The order schemas the registry tests produce with: a nested record, an enum, a timestamp-millis, a
 * decimal and an optional field, in Avro and in Protobuf; version 2 adds a field (`channel`).
 */
export type SchemaVersion = 1 | 2;

export function orderAvroSchema(version: SchemaVersion): string {
  return JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'shop',
    fields: [
      { name: 'id', type: 'string' },
      {
        name: 'customer',
        type: {
          type: 'record',
          name: 'Customer',
          fields: [
            { name: 'name', type: 'string' },
            { name: 'tier', type: { type: 'enum', name: 'Tier', symbols: ['BASIC', 'GOLD'] } },
          ],
        },
      },
      { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SHIPPED'] } },
      { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
      { name: 'note', type: ['null', 'string'], default: null },
      { name: 'quantity', type: 'long' },
      ...(version === 2 ? [{ name: 'channel', type: ['null', 'string'], default: null }] : []),
    ],
  });
}

/** The decimal type Confluent's Protobuf serializers know built in, registered here as a reference. */
export const CONFLUENT_DECIMAL_PROTO = `syntax = "proto3";
package confluent.type;

message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
`;
export const CONFLUENT_DECIMAL_IMPORT = 'confluent/type/decimal.proto';

/** `Envelope` comes first, so an `Order` is message index [1]: the frame's indexes matter. */
export function orderProtoSchema(version: SchemaVersion): string {
  return `syntax = "proto3";
package shop;

import "google/protobuf/timestamp.proto";
import "${CONFLUENT_DECIMAL_IMPORT}";

message Envelope {
  string source = 1;
}

message Order {
  string id = 1;
  Customer customer = 2;
  Status status = 3;
  google.protobuf.Timestamp created_at = 4;
  confluent.type.Decimal amount = 5;
  optional string note = 6;
  int64 quantity = 7;${version === 2 ? '\n  string channel = 8;' : ''}

  message Customer {
    string name = 1;
    Tier tier = 2;
  }
}

enum Status {
  STATUS_UNKNOWN = 0;
  NEW = 1;
  PAID = 2;
  SHIPPED = 3;
}

enum Tier {
  BASIC = 0;
  GOLD = 1;
}
`;
}

const field = (name: string, number: number, type: Type, extra: Record<string, unknown> = {}) => ({
  name,
  number,
  label: Label.OPTIONAL,
  type,
  ...extra,
});

/**
 * The same file as a descriptor, written field by field, for the Confluent serializer (it encodes
 * with @bufbuild/protobuf): nothing of the decoder under test is used to build it.
 */
export function orderProtoRegistry(version: SchemaVersion): MutableRegistry {
  const file = create(FileDescriptorProtoSchema, {
    name: `shop/order-v${version}.proto`,
    package: 'shop',
    syntax: 'proto3',
    // The Confluent package names its decimal's descriptor file "confluent/types/decimal.proto".
    dependency: [file_google_protobuf_timestamp.proto.name, file_confluent_types_decimal.proto.name],
    messageType: [
      { name: 'Envelope', field: [field('source', 1, Type.STRING)] },
      {
        name: 'Order',
        field: [
          field('id', 1, Type.STRING),
          field('customer', 2, Type.MESSAGE, { typeName: '.shop.Order.Customer' }),
          field('status', 3, Type.ENUM, { typeName: '.shop.Status' }),
          field('created_at', 4, Type.MESSAGE, { typeName: '.google.protobuf.Timestamp' }),
          field('amount', 5, Type.MESSAGE, { typeName: '.confluent.type.Decimal' }),
          field('note', 6, Type.STRING, { oneofIndex: 0, proto3Optional: true }),
          field('quantity', 7, Type.INT64),
          ...(version === 2 ? [field('channel', 8, Type.STRING)] : []),
        ],
        nestedType: [
          {
            name: 'Customer',
            field: [field('name', 1, Type.STRING), field('tier', 2, Type.ENUM, { typeName: '.shop.Tier' })],
          },
        ],
        oneofDecl: [{ name: '_note' }],
      },
    ],
    enumType: [
      {
        name: 'Status',
        value: ['STATUS_UNKNOWN', 'NEW', 'PAID', 'SHIPPED'].map((name, number) => ({ name, number })),
      },
      { name: 'Tier', value: ['BASIC', 'GOLD'].map((name, number) => ({ name, number })) },
    ],
  });
  const dependencies = [file_google_protobuf_timestamp, file_confluent_types_decimal];
  return createMutableRegistry(
    createFileRegistry(file, (name) => dependencies.find((dependency) => dependency.proto.name === name)),
  );
}
