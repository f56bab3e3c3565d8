/**
 * The column types of the compacted tables: what compaction infers from JSON, what the Delta log's
 * schema records and what the Parquet files are written as. One model for all three, so a type means
 * the same in each. It is richer than JSON inference needs: `integer`, `date`, `timestamp` and
 * `decimal` come from the envelope, the partition columns, or (later) a registry schema.
 *
 * `json` is text holding one JSON value: Delta's `string`, Parquet's JSON logical type. It is what a
 * path becomes when its values genuinely conflict (an object in one row, a string in another).
 */
export type PrimitiveType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'long' }
  | { readonly kind: 'double' }
  | { readonly kind: 'string' }
  | { readonly kind: 'json' }
  | { readonly kind: 'date' }
  /** Microseconds since the epoch, UTC (Delta's `timestamp`). */
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number };

/** A field of a struct; every field is nullable (a field missing from a row is a null). */
export interface StructField {
  readonly name: string;
  readonly type: DataType;
}

export interface StructType {
  readonly kind: 'struct';
  readonly fields: readonly StructField[];
}

/** A list whose elements may be null. */
export interface ArrayType {
  readonly kind: 'array';
  readonly element: DataType;
}

export type DataType = PrimitiveType | StructType | ArrayType;

export const BOOLEAN: DataType = { kind: 'boolean' };
export const INTEGER: DataType = { kind: 'integer' };
export const LONG: DataType = { kind: 'long' };
export const DOUBLE: DataType = { kind: 'double' };
export const STRING: DataType = { kind: 'string' };
export const JSON_TEXT: DataType = { kind: 'json' };
export const DATE: DataType = { kind: 'date' };
export const TIMESTAMP: DataType = { kind: 'timestamp' };

/** Delta's and Spark's spelling of a type: `long`, `array<struct<id:string>>`, `decimal(10,2)`. */
export function typeName(type: DataType): string {
  switch (type.kind) {
    case 'struct':
      return `struct<${type.fields.map((field) => `${field.name}:${typeName(field.type)}`).join(',')}>`;
    case 'array':
      return `array<${typeName(type.element)}>`;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    default:
      return type.kind;
  }
}
