import { type DataType, DOUBLE, JSON_TEXT, LONG, type StructField, typeName } from '../../tables/dataType.js';

/**
 * The column types a writer schema declares for the body fields of its records: what compaction
 * uses instead of inferring them from the values. A field the schema gives no column type (a union
 * of several types, a recursive record, an open JSON Schema object) is absent, and its column is
 * inferred from the values as on any JSON topic.
 */
export interface DeclaredBody {
  /** Body field name to its column type. */
  readonly fields: ReadonlyMap<string, DataType>;
  /** Which writer schema declared them, for the unit report: `confluent schema 7`. */
  readonly declaredBy: string;
}

/**
 * A struct of the given fields, or null when Delta cannot hold it as one: no fields (a Parquet group
 * needs a child), or two names equal but for case (Delta cannot tell them apart).
 */
export function structOf(fields: readonly StructField[]): DataType | null {
  const folded = new Set(fields.map((field) => field.name.toLowerCase()));
  if (fields.length === 0 || folded.size !== fields.length || folded.has('')) return null;
  return { kind: 'struct', fields };
}

/**
 * The fields of a record as a struct, where a nested field without a column type of its own keeps
 * its values as JSON text: inference cannot reach inside a declared struct, and the value must not
 * be lost. Null when the record cannot be a struct (see {@link structOf}).
 */
export function recordStruct(fields: readonly { name: string; type: DataType | null }[]): DataType | null {
  return structOf(fields.map(({ name, type }) => ({ name, type: type ?? JSON_TEXT })));
}

/**
 * One type for a body field that writer schemas of the same unit declare differently, as a
 * schema's later version may: records merge their fields (a field added by version 2 is a nullable
 * field for version 1's rows), an `int` that became a `long` is a `long`, integers that became
 * floats are doubles. Types no value of both fits (a string and a record) keep their values as
 * JSON text, as inference does with a genuine conflict.
 */
export function unifyDeclared(a: DataType, b: DataType): DataType {
  if (typeName(a) === typeName(b)) return a;
  if (a.kind === 'struct' && b.kind === 'struct') {
    const fields = [...a.fields];
    for (const field of b.fields) {
      const index = fields.findIndex((existing) => existing.name === field.name);
      if (index === -1) fields.push(field);
      else
        fields[index] = {
          name: field.name,
          type: unifyDeclared((fields[index] as StructField).type, field.type),
        };
    }
    return structOf(fields) ?? JSON_TEXT;
  }
  if (a.kind === 'array' && b.kind === 'array')
    return { kind: 'array', element: unifyDeclared(a.element, b.element) };
  const numbers = new Set([a.kind, b.kind]);
  if ([...numbers].every((kind) => kind === 'integer' || kind === 'long')) return LONG;
  if ([...numbers].every((kind) => kind === 'integer' || kind === 'long' || kind === 'double')) return DOUBLE;
  return JSON_TEXT;
}
