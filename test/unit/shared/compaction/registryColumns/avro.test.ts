import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroDeclaredFields } from '../../../../../shared/compaction/registryColumns/avro.js';
import { createRowShaper } from '../../../../../shared/compaction/rowShaper.js';
import { rowsOfJsonLines } from '../../../../../shared/compaction/rows.js';
import { SchemaObserver } from '../../../../../shared/compaction/schema.js';
import { compileAvro } from '../../../../../shared/registry/codecs/avro.js';
import { EXACT_LONG } from '../../../../../shared/registry/codecs/avroLogicalTypes.js';
import { decodedJson } from '../../../../../shared/registry/decodedJson.js';
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

describe('Avro longs from decoding to compacted columns', () => {
  it('writes a long past 2^53 and a timestamp-micros of 9999-12-31 exactly, through the raw line', () => {
    // Prepare: the producer's record, encoded with avsc's exact long, decoded as ingestion decodes it
    const schema = text({
      type: 'record',
      name: 'Account',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'validTo', type: { type: 'long', logicalType: 'timestamp-micros' } },
      ],
    });
    // The same record's bytes, written as its underlying longs (avsc's own long stops at 2^53)
    const payload = avro.Type.forSchema(
      {
        type: 'record',
        name: 'Account',
        fields: [
          { name: 'id', type: 'long' },
          { name: 'validTo', type: 'long' },
        ],
      },
      { registry: { long: EXACT_LONG } },
    ).toBuffer({ id: 1234567890123456789n, validTo: 253402300799999999n });
    const body = decodedJson(compileAvro(schema)(payload).value);
    const line = `{"partition":"0","offset":"1","position":1,"timestamp":"2026-11-21T12:00:00.000Z","body":${body}}\n`;
    const declared = { fields: avroDeclaredFields(schema), declaredBy: 'confluent schema 1' };

    // Act
    const [raw] = [...rowsOfJsonLines(line, 'raw/accounts/0/2026/11/21/12/00/00.jsonl', '0', true)];
    const observer = new SchemaObserver();
    observer.observe(raw?.row ?? {}, raw?.sources ?? {}, declared);
    const { columns } = observer.resolve();
    const shaper = createRowShaper(columns, { strict: true });
    shaper.add(raw?.row ?? {});
    const shaped = shaper.take().columns;

    // Assess
    expect(body).toBe('{"id":1234567890123456789,"validTo":"9999-12-31T23:59:59.999999Z"}');
    const byName = Object.fromEntries(columns.map((column, index) => [column.name, shaped[index]?.[0]]));
    expect(byName).toMatchObject({ id: 1234567890123456789n, validTo: 253402300799999999n });
    expect(typesOf(new Map(columns.map((column) => [column.name, column.type])))).toMatchObject({
      id: 'long',
      validTo: 'timestamp',
    });
  });
});
