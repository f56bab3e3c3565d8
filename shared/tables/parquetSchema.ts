import type { SchemaElement } from 'hyparquet-writer';
import type { DataType, StructField } from './dataType.js';

/**
 * The field id of a column path (`['payload', 'items', 'element', 'sku']`): Iceberg readers match a
 * file's columns to the table's by these ids.
 */
export type FieldIdOf = (path: readonly string[]) => number;

/**
 * A table's columns as a Parquet schema, in the layouts Delta's "Delta Data Type to Parquet Type
 * Mappings" and Parquet's LogicalTypes.md give: structs as groups, lists in the three-level LIST
 * layout (`list` / `element`), timestamps as INT64 microseconds adjusted to UTC. Every field is
 * optional (nullable). With `fieldIdOf` (Iceberg's data files), every field and list element carries
 * its field id; the repeated `list` group has none, as Iceberg's own writers do.
 */
export function parquetSchemaOf(columns: readonly StructField[], fieldIdOf?: FieldIdOf): SchemaElement[] {
  return [
    { name: 'schema', num_children: columns.length },
    ...columns.flatMap((field) => fieldElements(field, [], fieldIdOf)),
  ];
}

function fieldElements(
  field: StructField,
  parent: readonly string[],
  fieldIdOf?: FieldIdOf,
): SchemaElement[] {
  return elementsOf(field.name, field.type, [...parent, field.name], fieldIdOf);
}

function elementsOf(
  name: string,
  type: DataType,
  path: readonly string[],
  fieldIdOf?: FieldIdOf,
): SchemaElement[] {
  const optional = {
    name,
    repetition_type: 'OPTIONAL' as const,
    ...(fieldIdOf ? { field_id: fieldIdOf(path) } : {}),
  };
  switch (type.kind) {
    case 'boolean':
      return [{ ...optional, type: 'BOOLEAN' }];
    case 'integer':
      return [{ ...optional, type: 'INT32' }];
    case 'long':
      return [{ ...optional, type: 'INT64' }];
    case 'double':
      return [{ ...optional, type: 'DOUBLE' }];
    case 'string':
      return [{ ...optional, type: 'BYTE_ARRAY', converted_type: 'UTF8' }];
    case 'json':
      return [{ ...optional, type: 'BYTE_ARRAY', converted_type: 'JSON' }];
    case 'date':
      return [{ ...optional, type: 'INT32', converted_type: 'DATE' }];
    case 'timestamp':
      return [
        {
          ...optional,
          type: 'INT64',
          converted_type: 'TIMESTAMP_MICROS',
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
        },
      ];
    case 'decimal':
      return [
        {
          ...optional,
          type: 'FIXED_LEN_BYTE_ARRAY',
          type_length: decimalBytes(type.precision),
          converted_type: 'DECIMAL',
          precision: type.precision,
          scale: type.scale,
        },
      ];
    case 'struct':
      return [
        { ...optional, num_children: type.fields.length },
        ...type.fields.flatMap((field) => fieldElements(field, path, fieldIdOf)),
      ];
    case 'array':
      return [
        { ...optional, num_children: 1, converted_type: 'LIST' },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...elementsOf('element', type.element, [...path, 'element'], fieldIdOf),
      ];
  }
}

/** The fewest bytes whose two's complement holds every unscaled value of the precision. */
function decimalBytes(precision: number): number {
  let bytes = 1;
  while (2 ** (8 * bytes - 1) <= 10 ** precision) bytes++;
  return bytes;
}
