import protobuf from 'protobufjs';
import type { SchemaText } from '../../registry/codecs/codec.js';
import { protobufRootOf } from '../../registry/codecs/protobufRoot.js';
import {
  BOOLEAN,
  type DataType,
  DOUBLE,
  INTEGER,
  JSON_TEXT,
  LONG,
  STRING,
  TIMESTAMP,
} from '../../tables/dataType.js';
import { recordStruct } from './declaredTypes.js';

/**
 * The column types of a Protobuf message's fields, for the values the Protobuf codec decodes
 * (`shared/registry/codecs/protobufJson.ts`): `google.protobuf.Timestamp` is a timestamp, the
 * wrappers their value's type, messages structs, enums strings (by name), repeated fields lists,
 * 32-bit signed integers integers, other integers longs (a `uint64` past 2^63 does not fit and is
 * rescued), `bytes` base64 strings. `confluent.type.Decimal` is a string of its exact text: its
 * precision and scale travel with each value, not in the schema, so no `decimal(p,s)` column fits
 * every value. Map fields and messages that contain themselves are JSON text inside a message, and
 * inferred from the values when they are a top-level field.
 */

const SCALARS: Readonly<Record<string, DataType>> = {
  double: DOUBLE,
  float: DOUBLE,
  int32: INTEGER,
  sint32: INTEGER,
  sfixed32: INTEGER,
  uint32: LONG,
  fixed32: LONG,
  int64: LONG,
  sint64: LONG,
  sfixed64: LONG,
  uint64: LONG,
  fixed64: LONG,
  bool: BOOLEAN,
  string: STRING,
  bytes: STRING,
};

const WRAPPERS: Readonly<Record<string, DataType>> = {
  '.google.protobuf.DoubleValue': DOUBLE,
  '.google.protobuf.FloatValue': DOUBLE,
  '.google.protobuf.Int64Value': LONG,
  '.google.protobuf.UInt64Value': LONG,
  '.google.protobuf.Int32Value': INTEGER,
  '.google.protobuf.UInt32Value': LONG,
  '.google.protobuf.BoolValue': BOOLEAN,
  '.google.protobuf.StringValue': STRING,
  '.google.protobuf.BytesValue': STRING,
};

/**
 * Body field name to column type, for the fields of `message` (fully qualified, as the envelope's
 * `schema.message` names it) that have one.
 */
export function protobufDeclaredFields(schema: SchemaText, message: string): Map<string, DataType> {
  const type = protobufRootOf(schema).lookupType(message);
  const mapper = new ProtobufColumnTypes();
  mapper.open.add(type.fullName);
  const fields = new Map<string, DataType>();
  for (const field of type.fieldsArray) {
    const declared = mapper.fieldType(field);
    if (declared !== null) fields.set(field.name, declared);
  }
  return fields;
}

class ProtobufColumnTypes {
  /** Messages being mapped: one met again inside itself has no finite struct. */
  readonly open = new Set<string>();

  fieldType(field: protobuf.Field): DataType | null {
    if (field.map) return null;
    const single = this.singleType(field);
    if (!field.repeated) return single;
    return { kind: 'array', element: single ?? JSON_TEXT };
  }

  private singleType(field: protobuf.Field): DataType | null {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Enum) return STRING;
    if (resolved instanceof protobuf.Type) return this.messageType(resolved);
    return SCALARS[field.type] ?? null;
  }

  private messageType(type: protobuf.Type): DataType | null {
    if (type.fullName === '.google.protobuf.Timestamp') return TIMESTAMP;
    if (type.fullName === '.confluent.type.Decimal') return STRING;
    const wrapped = WRAPPERS[type.fullName];
    if (wrapped !== undefined) return wrapped;
    if (this.open.has(type.fullName)) return null;
    this.open.add(type.fullName);
    const struct = recordStruct(
      type.fieldsArray.map((field) => ({ name: field.name, type: this.fieldType(field) })),
    );
    this.open.delete(type.fullName);
    return struct;
  }
}
