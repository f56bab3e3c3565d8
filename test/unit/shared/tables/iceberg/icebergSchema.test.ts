import { describe, expect, it } from 'vitest';
import {
  JSON_TEXT,
  LONG,
  STRING,
  type StructField,
  TIMESTAMP,
} from '../../../../../shared/tables/dataType.js';
import {
  columnsOfIcebergSchema,
  fieldIdsOf,
  icebergSchemaOf,
} from '../../../../../shared/tables/iceberg/icebergSchema.js';

const FIRST: StructField[] = [
  { name: '_timestamp', type: TIMESTAMP },
  { name: 'user', type: { kind: 'struct', fields: [{ name: 'id', type: LONG }] } },
  { name: 'tags', type: { kind: 'array', element: JSON_TEXT } },
];

describe('Function: icebergSchemaOf', () => {
  it('numbers fields depth first, list elements included, and reads the same columns back', () => {
    // Act
    const { typed, lastColumnId } = icebergSchemaOf(FIRST, null, 0, 0);

    // Assess
    const idOf = fieldIdsOf(typed.schema);
    expect([['_timestamp'], ['user'], ['user', 'id'], ['tags'], ['tags', 'element']].map(idOf)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(lastColumnId).toBe(5);
    expect(typed.schema.fields[0]?.type).toBe('timestamptz');
    expect(typed.jsonFieldIds).toEqual([5]);
    expect(columnsOfIcebergSchema(typed, 'test')).toEqual(FIRST);
  });

  it('keeps every field’s id when fields are added, nested too, and gives the new ones ids above the last', () => {
    // Prepare
    const first = icebergSchemaOf(FIRST, null, 0, 0);
    const grown: StructField[] = [
      ...FIRST.slice(0, 1),
      {
        name: 'user',
        type: {
          kind: 'struct',
          fields: [
            { name: 'id', type: LONG },
            { name: 'plan', type: STRING },
          ],
        },
      },
      ...FIRST.slice(2),
      { name: 'note', type: JSON_TEXT },
    ];

    // Act
    const { typed, lastColumnId } = icebergSchemaOf(grown, first.typed.schema, first.lastColumnId, 1);

    // Assess
    const idOf = fieldIdsOf(typed.schema);
    expect([['user', 'id'], ['tags', 'element'], ['user', 'plan'], ['note']].map(idOf)).toEqual([3, 5, 6, 7]);
    expect(lastColumnId).toBe(7);
    expect(typed.schema['schema-id']).toBe(1);
    expect([...typed.jsonFieldIds].sort()).toEqual([5, 7]);
  });

  it('refuses a column path the schema lacks, rather than writing a file readers would see as nulls', () => {
    // Prepare
    const { typed } = icebergSchemaOf(FIRST, null, 0, 0);

    // Act & Assess
    expect(() => fieldIdsOf(typed.schema)(['user', 'plan'])).toThrow(/no field user\.plan/);
  });
});
