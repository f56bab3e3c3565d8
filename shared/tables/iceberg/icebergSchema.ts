import { CaptureError } from '../../errors.js';
import type { DataType, StructField } from '../dataType.js';
import type { FieldIdOf } from '../parquetSchema.js';

/**
 * A table's columns as an Iceberg schema (the spec's "Schemas and Data Types", Appendix C's JSON),
 * and back. Every field has an id that never changes once assigned: readers match Parquet columns to
 * the table by these ids, not by name, so a field keeps its id through every schema the table has
 * and a new field always gets a new one (from `last-column-id`). Iceberg has no JSON type: a `json`
 * column is a `string` whose id the table lists in {@link JSON_FIELD_IDS_PROPERTY}, and whose doc
 * says so to people reading the schema in Athena or Glue.
 */

export type IcebergType = string | IcebergStruct | IcebergList;

export interface IcebergField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
  readonly doc?: string;
}

export interface IcebergStruct {
  readonly type: 'struct';
  readonly fields: readonly IcebergField[];
}

export interface IcebergList {
  readonly type: 'list';
  readonly 'element-id': number;
  readonly element: IcebergType;
  readonly 'element-required': boolean;
}

export interface IcebergSchema extends IcebergStruct {
  readonly 'schema-id': number;
}

/** Table property: the ids of the fields (or list elements) that hold JSON text, comma-separated. */
export const JSON_FIELD_IDS_PROPERTY = 'stream-capture.json-field-ids';

const JSON_DOC = 'JSON text';

/** A schema and what it takes to read it back: which of its ids hold JSON text. */
export interface TypedSchema {
  readonly schema: IcebergSchema;
  readonly jsonFieldIds: readonly number[];
}

/**
 * The Iceberg schema of these columns: fields the previous schema has (by name, at the same place)
 * keep their ids, the others get ids above `lastColumnId`. Returns the highest id now assigned.
 *
 * @example
 * const { typed, lastColumnId } = icebergSchemaOf(columns, null, 0, 0);
 */
export function icebergSchemaOf(
  columns: readonly StructField[],
  previous: IcebergSchema | null,
  lastColumnId: number,
  schemaId: number,
): { typed: TypedSchema; lastColumnId: number } {
  const ids = { last: lastColumnId };
  const jsonFieldIds: number[] = [];
  const fields = fieldsOf(columns, previous?.fields ?? [], ids, jsonFieldIds);
  return {
    typed: { schema: { type: 'struct', 'schema-id': schemaId, fields }, jsonFieldIds },
    lastColumnId: ids.last,
  };
}

function fieldsOf(
  columns: readonly StructField[],
  previous: readonly IcebergField[],
  ids: { last: number },
  jsonFieldIds: number[],
): IcebergField[] {
  return columns.map((column) => {
    const before = previous.find((field) => field.name === column.name);
    const id = before?.id ?? ++ids.last;
    if (column.type.kind === 'json') jsonFieldIds.push(id);
    return {
      id,
      name: column.name,
      required: false,
      type: typeOf(column.type, before?.type ?? null, ids, jsonFieldIds),
      ...(column.type.kind === 'json' ? { doc: JSON_DOC } : {}),
    };
  });
}

function typeOf(
  type: DataType,
  before: IcebergType | null,
  ids: { last: number },
  jsonFieldIds: number[],
): IcebergType {
  switch (type.kind) {
    case 'struct': {
      const previous = typeof before === 'object' && before?.type === 'struct' ? before.fields : [];
      return { type: 'struct', fields: fieldsOf(type.fields, previous, ids, jsonFieldIds) };
    }
    case 'array': {
      const previous = typeof before === 'object' && before?.type === 'list' ? before : null;
      const elementId = previous?.['element-id'] ?? ++ids.last;
      if (type.element.kind === 'json') jsonFieldIds.push(elementId);
      return {
        type: 'list',
        'element-id': elementId,
        element: typeOf(type.element, previous?.element ?? null, ids, jsonFieldIds),
        'element-required': false,
      };
    }
    case 'json':
    case 'string':
      return 'string';
    case 'integer':
      return 'int';
    case 'timestamp':
      // Microseconds, adjusted to UTC: what the Parquet files hold (see `parquetSchemaOf`).
      return 'timestamptz';
    case 'decimal':
      return `decimal(${type.precision}, ${type.scale})`;
    default:
      return type.kind;
  }
}

/** The columns of an Iceberg schema, with the JSON-text fields turned back into `json`. */
export function columnsOfIcebergSchema({ schema, jsonFieldIds }: TypedSchema, what: string): StructField[] {
  const json = new Set(jsonFieldIds);
  const columnsOf = (fields: readonly IcebergField[]): StructField[] =>
    fields.map((field) => ({ name: field.name, type: dataTypeOf(field.type, json.has(field.id)) }));
  const dataTypeOf = (type: IcebergType, isJson: boolean): DataType => {
    if (typeof type === 'object') {
      if (type.type === 'struct') return { kind: 'struct', fields: columnsOf(type.fields) };
      return { kind: 'array', element: dataTypeOf(type.element, json.has(type['element-id'])) };
    }
    if (type === 'string') return { kind: isJson ? 'json' : 'string' };
    const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
    if (decimal) return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
    const primitive = PRIMITIVES[type];
    if (primitive) return primitive;
    throw new CaptureError(
      `${what}: the Iceberg type ${type} is not one this compaction writes; compacting into the table stops here (the raw objects stay)`,
      { retriable: false },
    );
  };
  return columnsOf(schema.fields);
}

const PRIMITIVES: Readonly<Record<string, DataType>> = {
  boolean: { kind: 'boolean' },
  int: { kind: 'integer' },
  long: { kind: 'long' },
  double: { kind: 'double' },
  date: { kind: 'date' },
  timestamptz: { kind: 'timestamp' },
};

/**
 * The field id of each column path of a Parquet file written for the schema (a list's element is
 * the path segment `element`). A path the schema lacks is a bug that would make readers see nulls,
 * so it fails loudly.
 */
export function fieldIdsOf(schema: IcebergSchema): FieldIdOf {
  return (path) => {
    let fields: readonly IcebergField[] = schema.fields;
    let type: IcebergType | null = null;
    let id: number | undefined;
    for (const name of path) {
      if (typeof type === 'object' && type?.type === 'list' && name === 'element') {
        id = type['element-id'];
        type = type.element;
      } else {
        const field = fields.find((candidate) => candidate.name === name);
        if (!field) {
          throw new CaptureError(`the Iceberg schema has no field ${path.join('.')}`, { retriable: false });
        }
        id = field.id;
        type = field.type;
      }
      if (typeof type === 'object' && type.type === 'struct') fields = type.fields;
    }
    if (id === undefined)
      throw new CaptureError('an empty column path has no field id', { retriable: false });
    return id;
  };
}

/** The id of a top-level field, by name (a partition's source column). */
export function topFieldId(schema: IcebergSchema, name: string): number {
  return fieldIdsOf(schema)([name]);
}
