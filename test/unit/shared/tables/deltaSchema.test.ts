import { describe, expect, it } from 'vitest';
import { type StructField, typeName } from '../../../../shared/tables/dataType.js';
import { deltaSchemaString, parseDeltaSchema } from '../../../../shared/tables/deltaSchema.js';

describe('Function: deltaSchemaString and parseDeltaSchema', () => {
  it('writes Spark’s JSON schema and reads it back, JSON text at any depth included', () => {
    // Prepare
    const columns: StructField[] = [
      { name: 'id', type: { kind: 'long' } },
      { name: 'when', type: { kind: 'timestamp' } },
      { name: 'price', type: { kind: 'decimal', precision: 10, scale: 2 } },
      { name: 'tags', type: { kind: 'array', element: { kind: 'array', element: { kind: 'json' } } } },
      { name: 'user', type: { kind: 'struct', fields: [{ name: 'profile', type: { kind: 'json' } }] } },
    ];

    // Act
    const schemaString = deltaSchemaString(columns);
    const parsed = parseDeltaSchema(schemaString, 'test');

    // Assess
    expect(parsed.map((column) => typeName(column.type))).toEqual(
      columns.map((column) => typeName(column.type)),
    );
    const json = JSON.parse(schemaString);
    expect(json.fields[2].type).toBe('decimal(10,2)');
    expect(json.fields[3]).toMatchObject({
      type: { type: 'array', elementType: { type: 'array', elementType: 'string' } },
      metadata: { 'stream-capture.json': ['element.element'] },
    });
  });

  it('refuses a type this writer never writes, naming its path', () => {
    // Prepare
    const schema = JSON.stringify({
      type: 'struct',
      fields: [
        {
          name: 'm',
          type: { type: 'map', keyType: 'string', valueType: 'long' },
          nullable: true,
          metadata: {},
        },
      ],
    });

    // Act, Assess
    expect(() => parseDeltaSchema(schema, 'the log')).toThrow(
      /the log: m has a type this writer does not write/,
    );
  });
});
