import { describe, expect, it } from 'vitest';
import { jsonSchemaDeclaredFields } from '../../../../../shared/compaction/registryColumns/jsonSchema.js';
import { typeName } from '../../../../../shared/tables/dataType.js';

describe('Function: jsonSchemaDeclaredFields', () => {
  it('types scalars, formats, nullable types, lists, closed objects and local references; leaves open objects and choices to inference', () => {
    // Prepare
    const schema = {
      type: 'object',
      properties: {
        id: { type: 'string' },
        count: { type: 'integer' },
        price: { type: ['number', 'null'] },
        paid: { type: 'boolean' },
        createdAt: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        status: { enum: ['NEW', 'PAID'] },
        tags: { type: 'array', items: { type: 'string' } },
        customer: { $ref: '#/$defs/customer' },
        extra: { type: 'object', properties: { a: { type: 'string' } } },
        either: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        remote: { $ref: 'https://example.com/other.json' },
      },
      $defs: {
        customer: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string' }, address: { type: 'object' } },
        },
      },
    };

    // Act
    const fields = jsonSchemaDeclaredFields(JSON.stringify(schema));

    // Assess
    expect(Object.fromEntries([...fields].map(([name, type]) => [name, typeName(type)]))).toEqual({
      id: 'string',
      count: 'long',
      price: 'double',
      paid: 'boolean',
      createdAt: 'timestamp',
      day: 'date',
      status: 'string',
      tags: 'array<string>',
      // An open object inside a closed one keeps its values as JSON text.
      customer: 'struct<name:string,address:json>',
    });
  });
});
