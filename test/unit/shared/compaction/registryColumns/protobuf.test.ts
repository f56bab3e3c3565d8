import { describe, expect, it } from 'vitest';
import { protobufDeclaredFields } from '../../../../../shared/compaction/registryColumns/protobuf.js';
import { typeName } from '../../../../../shared/tables/dataType.js';

const PROTO = `syntax = "proto3";
package shop;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "confluent/type/decimal.proto";

message Order {
  string id = 1;
  int32 count = 2;
  uint32 small = 3;
  int64 total = 4;
  uint64 big = 5;
  double ratio = 6;
  bool paid = 7;
  bytes raw = 8;
  google.protobuf.Timestamp created_at = 9;
  google.protobuf.Int32Value maybe = 10;
  confluent.type.Decimal amount = 11;
  Status status = 12;
  Customer customer = 13;
  repeated Line lines = 14;
  map<string, string> labels = 15;
  optional string note = 16;
  Node tree = 17;
  oneof payment { string card = 18; string iban = 19; }

  message Customer { string name = 1; Status tier = 2; map<string, int64> scores = 3; }
  message Line { string sku = 1; }
}

message Node { string name = 1; repeated Node children = 2; }

enum Status { UNKNOWN = 0; NEW = 1; }
`;

describe('Function: protobufDeclaredFields', () => {
  it('types the message the frame chose: scalars, timestamps, wrappers, enums, nested and repeated messages, oneof members', () => {
    // Act
    const fields = protobufDeclaredFields({ definition: PROTO, references: [] }, 'shop.Order');

    // Assess
    expect(Object.fromEntries([...fields].map(([name, type]) => [name, typeName(type)]))).toEqual({
      id: 'string',
      count: 'integer',
      small: 'long',
      total: 'long',
      big: 'long',
      ratio: 'double',
      paid: 'boolean',
      raw: 'string',
      created_at: 'timestamp',
      maybe: 'integer',
      // Its precision and scale come with each value: exact text fits every one.
      amount: 'string',
      status: 'string',
      customer: 'struct<name:string,tier:string,scores:json>',
      lines: 'array<struct<sku:string>>',
      note: 'string',
      // A message that contains itself is JSON text where it recurs; a top-level map is inferred.
      tree: 'struct<name:string,children:array<json>>',
      card: 'string',
      iban: 'string',
    });
  });
});
