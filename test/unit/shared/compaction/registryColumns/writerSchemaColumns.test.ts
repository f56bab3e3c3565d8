import { describe, expect, it } from 'vitest';
import { writerSchemaColumns } from '../../../../../shared/compaction/registryColumns/writerSchemaColumns.js';
import { CaptureError } from '../../../../../shared/errors.js';
import { publishSchemaFile } from '../../../../../shared/registry/schemaFiles.js';
import { typeName } from '../../../../../shared/tables/dataType.js';
import { freshFsStore } from '../../../../helpers/freshStores.js';
import { orderAvroSchema } from '../../../../helpers/registry/orderSchemas.js';

describe('Function: writerSchemaColumns', () => {
  it('reads the column types from the schema file ingestion published, once, and names the schema that declared them', async () => {
    // Prepare
    const store = await freshFsStore();
    await publishSchemaFile(store.objects, 'orders', {
      ref: { registry: 'confluent', id: '7', format: 'avro' },
      fetched: { format: 'avro', definition: orderAvroSchema(2), references: [] },
      decode: () => ({ value: null }),
    });
    const schemas = writerSchemaColumns(store.objects, 'orders');
    const name = { registry: 'confluent', id: '7' } as const;

    // Act
    const before = schemas.known(name);
    const loaded = await schemas.load(name);

    // Assess
    expect(before).toBeUndefined();
    expect(schemas.known(name)).toBe(loaded);
    expect(loaded.declaredBy).toBe('confluent schema 7');
    expect(typeName(loaded.fields.get('createdAt') ?? { kind: 'json' })).toBe('timestamp');
    expect(typeName(loaded.fields.get('amount') ?? { kind: 'json' })).toBe('decimal(12,2)');
  });

  it('fails for good, naming the file to restore, when a line names a schema file that is not there', async () => {
    // Prepare
    const store = await freshFsStore();
    const schemas = writerSchemaColumns(store.objects, 'orders');

    // Act
    const loading = schemas.load({ registry: 'glue', id: '0b9c6b37-1f7c-4c1e-9d1e-2d0f8e3b6a11' });

    // Assess
    await expect(loading).rejects.toThrow(CaptureError);
    await expect(loading).rejects.toMatchObject({
      retriable: false,
      message: expect.stringContaining('_schemas/orders/glue-0b9c6b37-1f7c-4c1e-9d1e-2d0f8e3b6a11.json'),
    });
  });
});
