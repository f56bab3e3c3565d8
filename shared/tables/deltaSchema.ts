import { CaptureError } from '../errors.js';
import type { DataType, StructField, StructType } from './dataType.js';

/**
 * The table schema as Delta's log records it (`metaData.schemaString`, Spark's JSON schema), and
 * back. Delta has no JSON type: a `json` column is a `string` whose field metadata says it holds JSON
 * text, which readers show as a comment and this reader turns back into `json`. A list's elements
 * have no metadata of their own, so the nearest field carries theirs, by path (`element`,
 * `element.element`), the way Delta's own `delta.typeChanges` does.
 */

/** Field metadata key: the paths, relative to the field (`''` for itself), that hold JSON text. */
const JSON_PATHS_KEY = 'stream-capture.json';

type DeltaType = string | DeltaStruct | DeltaArray;
interface DeltaField {
  readonly name: string;
  readonly type: DeltaType;
  readonly nullable: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
}
interface DeltaStruct {
  readonly type: 'struct';
  readonly fields: readonly DeltaField[];
}
interface DeltaArray {
  readonly type: 'array';
  readonly elementType: DeltaType;
  readonly containsNull: boolean;
}

/** The `schemaString` of a table with these columns, every one nullable. */
export function deltaSchemaString(columns: readonly StructField[]): string {
  return JSON.stringify(deltaStruct(columns));
}

function deltaStruct(fields: readonly StructField[]): DeltaStruct {
  return {
    type: 'struct',
    fields: fields.map((field) => {
      const jsonPaths = jsonPathsOf(field.type, '');
      return {
        name: field.name,
        type: deltaType(field.type),
        nullable: true,
        metadata: jsonPaths.length === 0 ? {} : { comment: 'JSON text', [JSON_PATHS_KEY]: jsonPaths },
      };
    }),
  };
}

/** Where JSON text sits in a field's type without a field of its own to mark: itself, or list elements. */
function jsonPathsOf(type: DataType, path: string): string[] {
  if (type.kind === 'json') return [path];
  if (type.kind === 'array') return jsonPathsOf(type.element, path === '' ? 'element' : `${path}.element`);
  return [];
}

/** The type with the string at each marked path turned back into `json`. */
function withJsonAt(type: DataType, paths: readonly string[], path = ''): DataType {
  if (type.kind === 'string' && paths.includes(path)) return { kind: 'json' };
  if (type.kind === 'array') {
    return {
      kind: 'array',
      element: withJsonAt(type.element, paths, path === '' ? 'element' : `${path}.element`),
    };
  }
  return type;
}

function deltaType(type: DataType): DeltaType {
  switch (type.kind) {
    case 'struct':
      return deltaStruct(type.fields);
    case 'array':
      return { type: 'array', elementType: deltaType(type.element), containsNull: true };
    case 'json':
      return 'string';
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    default:
      return type.kind;
  }
}

const DECIMAL = /^decimal\((\d+),\s*(\d+)\)$/;
const PRIMITIVES = new Set(['boolean', 'integer', 'long', 'double', 'string', 'date', 'timestamp']);

/**
 * The columns of a `schemaString`. Types this product never writes (maps, binary, floats, …) are a
 * table another writer changed: refused with the path, since compacting into it could not keep its
 * promise to every reader.
 */
export function parseDeltaSchema(schemaString: string, where: string): StructField[] {
  const refuse = (problem: string): never => {
    throw new CaptureError(`${where}: ${problem}`, { retriable: false });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(schemaString);
  } catch (error) {
    throw new CaptureError(`${where}: the schema string is not JSON`, { retriable: false, cause: error });
  }
  const struct = (value: unknown, path: string): StructType => {
    const candidate = value as Partial<DeltaStruct> | null;
    if (candidate?.type !== 'struct' || !Array.isArray(candidate.fields)) {
      return refuse(`${path || 'the schema'} is not a struct`);
    }
    return {
      kind: 'struct',
      fields: candidate.fields.map((field: DeltaField) => {
        const fieldPath = path === '' ? field.name : `${path}.${field.name}`;
        const marked = field.metadata?.[JSON_PATHS_KEY];
        const type = typeOf(field.type, fieldPath);
        return {
          name: field.name,
          type: Array.isArray(marked) ? withJsonAt(type, marked.map(String)) : type,
        };
      }),
    };
  };
  const typeOf = (value: DeltaType, path: string): DataType => {
    if (typeof value === 'string') {
      if (PRIMITIVES.has(value)) return { kind: value } as DataType;
      const decimal = DECIMAL.exec(value);
      if (decimal) return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
      return refuse(`${path} has type ${value}, which this writer does not write`);
    }
    if (value?.type === 'array') return { kind: 'array', element: typeOf(value.elementType, `${path}[]`) };
    if (value?.type === 'struct') return struct(value, path);
    return refuse(`${path} has a type this writer does not write (${JSON.stringify(value).slice(0, 80)})`);
  };
  return [...struct(parsed, '').fields];
}
