import {
  BOOLEAN,
  DATE,
  type DataType,
  DOUBLE,
  JSON_TEXT,
  LONG,
  STRING,
  TIMESTAMP,
} from '../../tables/dataType.js';
import { recordStruct } from './declaredTypes.js';

/**
 * The column types a JSON Schema declares for the properties of the object it describes. The values
 * are the producer's JSON, validated: `integer` is a long, `number` a double, `string` a string (a
 * timestamp with `format: date-time`, a date with `format: date`), `array` with `items` a list, and
 * a nullable type (`["string", "null"]`) that type. An `object` is a struct only when it is closed
 * (`additionalProperties: false`): an open one may carry any field, which only inference of the
 * values keeps as columns, so it is inferred as a top-level property and JSON text inside a struct;
 * so are properties whose type is a choice (`oneOf`, several types) and `$ref`s outside the
 * document. Extra top-level properties of an open schema are inferred as they come.
 */

interface JsonSchemaNode {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly additionalProperties?: unknown;
  readonly items?: JsonSchemaNode;
  readonly enum?: readonly unknown[];
  readonly $ref?: string;
}

/** Body field name to column type, for the properties of the schema's object that have one. */
export function jsonSchemaDeclaredFields(definition: string): Map<string, DataType> {
  const document = JSON.parse(definition) as JsonSchemaNode;
  const mapper = new JsonSchemaColumnTypes(document);
  const fields = new Map<string, DataType>();
  for (const [name, property] of Object.entries(document.properties ?? {})) {
    const type = mapper.typeOf(property);
    if (type !== null) fields.set(name, type);
  }
  return fields;
}

class JsonSchemaColumnTypes {
  /** `$ref`s being followed: one met again inside itself has no finite struct. */
  private readonly open = new Set<string>();

  constructor(private readonly document: JsonSchemaNode) {}

  typeOf(node: JsonSchemaNode): DataType | null {
    if (node.$ref !== undefined) return this.refType(node.$ref);
    const types = (Array.isArray(node.type) ? node.type : [node.type]).filter(
      (type): type is string => typeof type === 'string' && type !== 'null',
    );
    if (types.length === 0 && node.enum?.every((value) => typeof value === 'string')) return STRING;
    if (types.length !== 1) return null;
    switch (types[0]) {
      case 'string':
        return node.format === 'date-time' ? TIMESTAMP : node.format === 'date' ? DATE : STRING;
      case 'integer':
        return LONG;
      case 'number':
        return DOUBLE;
      case 'boolean':
        return BOOLEAN;
      case 'array':
        return node.items === undefined
          ? null
          : { kind: 'array', element: this.typeOf(node.items) ?? JSON_TEXT };
      case 'object':
        if (node.additionalProperties !== false) return null;
        return recordStruct(
          Object.entries(node.properties ?? {}).map(([name, property]) => ({
            name,
            type: this.typeOf(property),
          })),
        );
      default:
        return null;
    }
  }

  /** Only references into the document itself (`#/definitions/…`, `#/$defs/…`) are followed. */
  private refType(ref: string): DataType | null {
    if (!ref.startsWith('#/') || this.open.has(ref)) return null;
    let target: unknown = this.document;
    for (const part of ref.slice(2).split('/')) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      target =
        typeof target === 'object' && target !== null ? (target as Record<string, unknown>)[key] : undefined;
    }
    if (typeof target !== 'object' || target === null) return null;
    this.open.add(ref);
    const type = this.typeOf(target as JsonSchemaNode);
    this.open.delete(ref);
    return type;
  }
}
