import type { SchemaText } from '../../registry/codecs/codec.js';
import {
  BOOLEAN,
  DATE,
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
 * The column types of an Avro writer schema's record fields, for the values the Avro codec decodes
 * (`shared/registry/codecs/avro.ts`): `timestamp-millis` and `-micros` are timestamps, `date` a
 * date, `decimal` a `decimal(p,s)` (text past Delta's 38 digits), records structs, enums strings, a
 * union of null and one type that type (every column is nullable), arrays lists. What Delta has no
 * type for, or what the codec writes as text, is a string: `bytes` and `fixed` (base64), `uuid`,
 * `time-*`, `local-timestamp-*` (Delta's `timestamp_ntz` needs a table feature this writer does not
 * use), `duration`. Maps, unions of several types and records that contain themselves are JSON text
 * inside a record, and inferred from the values when they are a top-level field.
 */

type AvroSchema = string | readonly AvroSchema[] | AvroObject;
interface AvroObject {
  readonly type: AvroSchema;
  readonly name?: string;
  readonly namespace?: string;
  readonly fields?: readonly { readonly name: string; readonly type: AvroSchema }[];
  readonly items?: AvroSchema;
  readonly values?: AvroSchema;
  readonly logicalType?: string;
  readonly precision?: number;
  readonly scale?: number;
}
/** A named type (record, enum, fixed) and the namespace its own references resolve in. */
interface NamedType {
  readonly schema: AvroObject;
  readonly fullName: string;
  readonly namespace: string;
}

const PRIMITIVES: Readonly<Record<string, DataType | null>> = {
  null: null,
  boolean: BOOLEAN,
  int: INTEGER,
  long: LONG,
  float: DOUBLE,
  double: DOUBLE,
  bytes: STRING,
  string: STRING,
};
const NAMED_KINDS = new Set(['record', 'error', 'enum', 'fixed']);
/** Delta's decimals hold at most 38 digits. */
const MAX_DECIMAL_PRECISION = 38;

/** Body field name to column type, for the fields of the schema's record that have one. */
export function avroDeclaredFields(schema: SchemaText): Map<string, DataType> {
  const named = new Map<string, NamedType>();
  for (const reference of schema.references) register(JSON.parse(reference.definition), '', named);
  const root = JSON.parse(schema.definition) as AvroSchema;
  register(root, '', named);
  const mapper = new AvroColumnTypes(named);
  const record = mapper.recordOf(root);
  const fields = new Map<string, DataType>();
  if (record === null) return fields;
  mapper.enter(record.fullName);
  for (const field of record.schema.fields ?? []) {
    const type = mapper.typeOf(field.type, record.namespace);
    if (type !== null) fields.set(field.name, type);
  }
  return fields;
}

function fullNameOf(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

function namespaceOf(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot === -1 ? '' : fullName.slice(0, dot);
}

/** Every named type the schema defines, under its full name, as Avro's name resolution finds them. */
function register(schema: AvroSchema, namespace: string, named: Map<string, NamedType>): void {
  if (Array.isArray(schema)) {
    for (const branch of schema) register(branch, namespace, named);
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  const object = schema as AvroObject;
  if (typeof object.type === 'string' && NAMED_KINDS.has(object.type) && typeof object.name === 'string') {
    const fullName = fullNameOf(object.name, object.namespace ?? namespace);
    const own = namespaceOf(fullName);
    named.set(fullName, { schema: object, fullName, namespace: own });
    for (const field of object.fields ?? []) register(field.type, own, named);
    return;
  }
  if (object.items !== undefined) register(object.items, namespace, named);
  if (object.values !== undefined) register(object.values, namespace, named);
  if (typeof object.type === 'object') register(object.type, namespace, named);
}

class AvroColumnTypes {
  /** Records being mapped: one met again inside itself has no finite struct. */
  private readonly open = new Set<string>();

  constructor(private readonly named: ReadonlyMap<string, NamedType>) {}

  enter(fullName: string): void {
    this.open.add(fullName);
  }

  /** The record a schema is (itself, or the named record it refers to), or null. */
  recordOf(schema: AvroSchema): NamedType | null {
    const found =
      typeof schema === 'string'
        ? this.named.get(schema)
        : typeof schema === 'object' && !Array.isArray(schema)
          ? this.named.get(
              fullNameOf((schema as AvroObject).name ?? '', (schema as AvroObject).namespace ?? ''),
            )
          : undefined;
    return found && (found.schema.type === 'record' || found.schema.type === 'error') ? found : null;
  }

  typeOf(schema: AvroSchema, namespace: string): DataType | null {
    if (typeof schema === 'string') {
      if (schema in PRIMITIVES) return PRIMITIVES[schema] ?? null;
      const named = this.named.get(fullNameOf(schema, namespace)) ?? this.named.get(schema);
      return named ? this.namedTypeOf(named) : null;
    }
    if (Array.isArray(schema)) {
      const branches = schema.filter((branch) => branch !== 'null');
      return branches.length === 1 ? this.typeOf(branches[0] as AvroSchema, namespace) : null;
    }
    const object = schema as AvroObject;
    const logical = logicalTypeOf(object);
    if (logical !== undefined) return logical;
    if (typeof object.type === 'string' && NAMED_KINDS.has(object.type)) {
      const named = this.named.get(fullNameOf(object.name ?? '', object.namespace ?? namespace));
      return named ? this.namedTypeOf(named) : null;
    }
    if (object.type === 'array' && object.items !== undefined) {
      return { kind: 'array', element: this.typeOf(object.items, namespace) ?? JSON_TEXT };
    }
    if (object.type === 'map') return null;
    return this.typeOf(object.type, namespace);
  }

  private namedTypeOf({ schema, fullName, namespace }: NamedType): DataType | null {
    const logical = logicalTypeOf(schema);
    if (logical !== undefined) return logical;
    if (schema.type === 'enum' || schema.type === 'fixed') return STRING;
    if (this.open.has(fullName)) return null;
    this.open.add(fullName);
    const struct = recordStruct(
      (schema.fields ?? []).map((field) => ({ name: field.name, type: this.typeOf(field.type, namespace) })),
    );
    this.open.delete(fullName);
    return struct;
  }
}

/** The column type of a logical type, or undefined for none (or an unknown one: its underlying type counts). */
function logicalTypeOf(schema: AvroObject): DataType | undefined {
  switch (schema.logicalType) {
    case 'timestamp-millis':
    case 'timestamp-micros':
      return schema.type === 'long' ? TIMESTAMP : undefined;
    case 'date':
      return schema.type === 'int' ? DATE : undefined;
    case 'decimal': {
      const { precision, scale = 0 } = schema;
      const fits =
        Number.isInteger(precision) &&
        Number.isInteger(scale) &&
        (precision as number) >= 1 &&
        (precision as number) <= MAX_DECIMAL_PRECISION &&
        scale >= 0 &&
        scale <= (precision as number);
      return fits ? { kind: 'decimal', precision: precision as number, scale } : STRING;
    }
    case 'uuid':
    case 'time-millis':
    case 'time-micros':
    case 'local-timestamp-millis':
    case 'local-timestamp-micros':
    case 'duration':
      return STRING;
    default:
      return undefined;
  }
}
