import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { registrySchema } from '../../../../shared/config/registrySchema.js';
import { createRecordDecoder } from '../../../../shared/registry/recordDecoder.js';
import type { SchemaSource } from '../../../../shared/registry/schemaSource.js';
import { makeRecord } from '../../../helpers/factories.js';
import { freshFsStore } from '../../../helpers/freshStores.js';

const VALUE_SCHEMA = '{"type":"record","name":"V","fields":[{"name":"n","type":"int"}]}';
const KEY_SCHEMA = '"string"';
const confluent = (id: number, payload: Buffer) => {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, payload]);
};
const value = (n: number) => confluent(1, avro.Type.forSchema(JSON.parse(VALUE_SCHEMA)).toBuffer({ n }));
const key = (text: string) => confluent(2, avro.Type.forSchema(JSON.parse(KEY_SCHEMA)).toBuffer(text));

function source(asked: string[]): SchemaSource {
  return async (id) => {
    asked.push(id);
    if (id === '1')
      return { format: 'avro', definition: VALUE_SCHEMA, references: [], subject: 't-value', version: 1 };
    if (id === '2')
      return { format: 'avro', definition: KEY_SCHEMA, references: [], subject: 't-key', version: 1 };
    return undefined;
  };
}

const registry = (keys: boolean) =>
  registrySchema.parse({ kind: 'confluent', url: 'http://registry.test', keys });

describe('Function: createRecordDecoder', () => {
  it('decodes values and framed keys, and publishes each schema file once per instance', async () => {
    // Prepare
    const store = await freshFsStore();
    const asked: string[] = [];
    const decoder = createRecordDecoder('t', registry(true), source(asked));

    // Act
    const first = await decoder.decodeBatch([makeRecord({ body: value(1), key: key('a') })], store.objects);
    const second = await decoder.decodeBatch(
      [makeRecord({ position: 1, body: value(2), key: key('b') })],
      store.objects,
    );

    // Assess
    expect(first[0]?.decoded).toEqual({
      ok: true,
      value: {
        value: { n: 1 },
        schema: { registry: 'confluent', id: '1', format: 'avro', subject: 't-value', version: 1 },
      },
      key: {
        value: 'a',
        schema: { registry: 'confluent', id: '2', format: 'avro', subject: 't-key', version: 1 },
      },
    });
    expect(second[0]?.decoded).toMatchObject({ ok: true, value: { value: { n: 2 } }, key: { value: 'b' } });
    expect(asked.sort()).toEqual(['1', '2']);
    expect(await store.objects.list('_schemas/')).toEqual([
      '_schemas/t/confluent-1.json',
      '_schemas/t/confluent-2.json',
    ]);
    expect(JSON.parse((await store.objects.read('_schemas/t/confluent-1.json')).toString())).toEqual({
      registry: 'confluent',
      id: '1',
      format: 'avro',
      subject: 't-value',
      version: 1,
      schema: VALUE_SCHEMA,
      references: [],
    });
  });

  it.each([
    ['an unknown id', confluent(9, Buffer.from([2])), 'unknown-schema', /the registry has no schema 9/],
    ['bytes not framed', Buffer.from('{"n":1}'), 'not-framed', /first byte is 0x7b/],
    [
      'bytes that do not decode with their schema',
      confluent(1, Buffer.from([0x02, 0x02])),
      'undecodable',
      /avro schema 1/,
    ],
  ])('gives %s its own dead-letter reason', async (_, body, reason, detail) => {
    // Prepare
    const decoder = createRecordDecoder('t', registry(false), source([]));

    // Act
    const [record] = await decoder.decodeBatch([makeRecord({ body })], (await freshFsStore()).objects);

    // Assess
    expect(record?.decoded).toMatchObject({ ok: false, reason });
    expect(record?.decoded?.ok === false ? record.decoded.detail : '').toMatch(detail);
  });

  it('leaves an empty body (a tombstone) undecoded', async () => {
    // Prepare
    const decoder = createRecordDecoder('t', registry(false), source([]));

    // Act
    const [record] = await decoder.decodeBatch(
      [makeRecord({ body: Buffer.alloc(0) })],
      (await freshFsStore()).objects,
    );

    // Assess
    expect(record?.decoded).toBeUndefined();
  });
});
