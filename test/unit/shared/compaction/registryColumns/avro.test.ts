import { describe, expect, it } from 'vitest';
import { avroDeclaredFields } from '../../../../../shared/compaction/registryColumns/avro.js';
import { typeName } from '../../../../../shared/tables/dataType.js';

const text = (schema: unknown, references: unknown[] = []) => ({
  definition: JSON.stringify(schema),
  references: references.map((reference, index) => ({
    name: `ref-${index}`,
    definition: JSON.stringify(reference),
  })),
});

const typesOf = (fields: ReadonlyMap<string, Parameters<typeof typeName>[0]>) =>
  Object.fromEntries([...fields].map(([name, type]) => [name, typeName(type)]));

describe('Function: avroDeclaredFields', () => {
  it('types logical types, nested records, enums, optional fields and lists as Delta holds them', () => {
    // Prepare
    const schema = {
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'count', type: 'int' },
        { name: 'total', type: 'long' },
        { name: 'ratio', type: 'float' },
        { name: 'paid', type: 'boolean' },
        { name: 'raw', type: 'bytes' },
        { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'shippedAt', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }] },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
        {
          name: 'fee',
          type: { type: 'fixed', name: 'Fee', size: 8, logicalType: 'decimal', precision: 18, scale: 4 },
        },
        { name: 'huge', type: { type: 'bytes', logicalType: 'decimal', precision: 60, scale: 0 } },
        { name: 'ref', type: { type: 'string', logicalType: 'uuid' } },
        { name: 'local', type: { type: 'long', logicalType: 'local-timestamp-millis' } },
        { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
        {
          name: 'customer',
          type: {
            type: 'record',
            name: 'Customer',
            fields: [
              { name: 'name', type: 'string' },
              { name: 'status', type: 'Status' },
              { name: 'attributes', type: { type: 'map', values: 'string' } },
            ],
          },
        },
        { name: 'previous', type: ['null', 'shop.Customer'], default: null },
        {
          name: 'lines',
          type: {
            type: 'array',
            items: { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }] },
          },
        },
        { name: 'note', type: ['null', 'string'], default: null },
      ],
    };

    // Act
    const fields = avroDeclaredFields(text(schema));

    // Assess
    expect(typesOf(fields)).toEqual({
      id: 'string',
      count: 'integer',
      total: 'long',
      ratio: 'double',
      paid: 'boolean',
      raw: 'string',
      createdAt: 'timestamp',
      shippedAt: 'timestamp',
      day: 'date',
      amount: 'decimal(12,2)',
      fee: 'decimal(18,4)',
      huge: 'string',
      ref: 'string',
      local: 'string',
      status: 'string',
      // A map inside a record keeps its values as JSON text.
      customer: 'struct<name:string,status:string,attributes:json>',
      previous: 'struct<name:string,status:string,attributes:json>',
      lines: 'array<struct<sku:string>>',
      note: 'string',
    });
  });

  it('leaves to inference the top-level fields no one type fits: maps, unions of several types, records that contain themselves', () => {
    // Prepare
    const schema = {
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'labels', type: { type: 'map', values: 'long' } },
        { name: 'value', type: ['null', 'string', 'long'] },
        { name: 'next', type: ['null', 'Node'] },
        {
          name: 'tree',
          type: {
            type: 'record',
            name: 'Tree',
            fields: [
              { name: 'name', type: 'string' },
              { name: 'children', type: { type: 'array', items: 'Tree' } },
            ],
          },
        },
      ],
    };

    // Act
    const fields = avroDeclaredFields(text(schema));

    // Assess: inside a record such a field is JSON text, so no value is lost either way
    expect(typesOf(fields)).toEqual({ id: 'long', tree: 'struct<name:string,children:array<json>>' });
  });

  it('resolves named types its references define, in their namespaces', () => {
    // Prepare
    const customer = {
      type: 'record',
      name: 'Customer',
      namespace: 'crm',
      fields: [{ name: 'id', type: 'string' }],
    };
    const schema = {
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [{ name: 'customer', type: 'crm.Customer' }],
    };

    // Act
    const fields = avroDeclaredFields(text(schema, [customer]));

    // Assess
    expect(typesOf(fields)).toEqual({ customer: 'struct<id:string>' });
  });

  it('declares nothing for a schema that is not a record: the body is one column, inferred', () => {
    expect(avroDeclaredFields(text('string')).size).toBe(0);
  });
});
