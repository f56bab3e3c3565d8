import { describe, expect, it } from 'vitest';
import { RegistryUnavailableError } from '../../../../shared/errors.js';
import type { FetchedSchema, SchemaSource } from '../../../../shared/registry/schemaSource.js';
import { createWriterSchemas } from '../../../../shared/registry/writerSchemas.js';

const AVRO_STRING: FetchedSchema = {
  format: 'avro',
  definition: '"string"',
  references: [],
  subject: 's-value',
  version: 3,
};

/** A source that answers from a table and counts what it was asked. */
function countingSource(answers: (id: string, call: number) => FetchedSchema | undefined): {
  source: SchemaSource;
  asked: string[];
} {
  const asked: string[] = [];
  return {
    asked,
    source: async (id) => {
      asked.push(id);
      return answers(id, asked.length);
    },
  };
}

describe('Function: createWriterSchemas', () => {
  it('fetches and compiles a schema once per id, however many records ask at once', async () => {
    // Prepare
    const { source, asked } = countingSource(() => AVRO_STRING);
    const lookup = createWriterSchemas('confluent', source);

    // Act
    const found = await Promise.all([lookup('7'), lookup('7'), lookup('7')]);
    await lookup('7');

    // Assess
    expect(asked).toEqual(['7']);
    expect(found[0]).toMatchObject({
      found: true,
      schema: { ref: { registry: 'confluent', id: '7', format: 'avro', subject: 's-value', version: 3 } },
    });
  });

  it('asks again after an outage, since the batch is retried', async () => {
    // Prepare
    const asked: string[] = [];
    const lookup = createWriterSchemas('confluent', async (id) => {
      asked.push(id);
      if (asked.length === 1) throw new RegistryUnavailableError('down');
      return AVRO_STRING;
    });

    // Act
    const first = lookup('7');
    await expect(first).rejects.toBeInstanceOf(RegistryUnavailableError);
    const second = await lookup('7');

    // Assess
    expect(asked).toEqual(['7', '7']);
    expect(second.found).toBe(true);
  });

  it('remembers an unknown id: a registry never gives it to another schema later', async () => {
    // Prepare
    const { source, asked } = countingSource(() => undefined);
    const lookup = createWriterSchemas('confluent', source);

    // Act
    const results = [await lookup('404'), await lookup('404')];

    // Assess
    expect(results).toEqual([{ found: false }, { found: false }]);
    expect(asked).toEqual(['404']);
  });

  it.each([
    [
      'a schema that does not compile',
      'confluent',
      { format: 'avro', definition: '{"type":"nope"}', references: [] },
      /avro schema does not compile/,
    ],
    [
      'a Protobuf schema naming a type nothing defines',
      'glue',
      { format: 'protobuf', definition: 'syntax = "proto3"; message M { other.T t = 1; }', references: [] },
      /protobuf schema does not compile/,
    ],
  ] as const)('says why %s cannot be used', async (_, kind, fetched, reason) => {
    // Prepare
    const lookup = createWriterSchemas(kind, async () => fetched);

    // Act
    const result = await lookup('1');

    // Assess
    expect(result.found).toBe(false);
    expect(result.found ? '' : result.unusable).toMatch(reason);
  });
});
