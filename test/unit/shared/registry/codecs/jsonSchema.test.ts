import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from '../../../../../shared/registry/codecs/jsonSchema.js';
import { decodedJson } from '../../../../../shared/registry/decodedJson.js';

const ORDER_SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { id: { type: 'string' }, total: { $ref: 'money.json' } },
  required: ['id'],
  'x-confluent-tag': 'kept',
});
const MONEY_SCHEMA = JSON.stringify({
  $id: 'money.json',
  type: 'object',
  properties: { units: { type: 'integer' } },
});
const decode = compileJsonSchema({
  definition: ORDER_SCHEMA,
  references: [{ name: 'money.json', definition: MONEY_SCHEMA }],
});

describe('Function: compileJsonSchema', () => {
  it('passes a valid value through as parsed, references and unknown keywords included', () => {
    // Act
    const value = decode(Buffer.from('{"id":"o-1","total":{"units":5}}'));

    // Assess
    expect(value).toEqual({ value: { id: 'o-1', total: { units: 5 } } });
  });

  it('keeps an integer past 2^53 to the last digit, on the line it decodes to', () => {
    // Act
    const { value } = decode(Buffer.from('{"id":"o-2","total":{"units":1234567890123456789}}'));

    // Assess
    expect(decodedJson(value)).toBe('{"id":"o-2","total":{"units":1234567890123456789}}');
  });

  it.each([
    ['a value its schema refuses', '{"id":1}', /at "\/id": must be string/],
    ['a referenced schema refusing', '{"id":"o","total":{"units":"x"}}', /at "\/total\/units"/],
    ['text that is not JSON', '{"id":', /JSON/],
  ])('refuses %s', (_, text, message) => {
    // Act
    const act = () => decode(Buffer.from(text));

    // Assess
    expect(act).toThrow(message);
  });
});
