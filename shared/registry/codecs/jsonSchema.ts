import { Ajv } from 'ajv';
import { CaptureError } from '../../errors.js';
import { mayHoldWideIntegers, parseExactJson } from '../../exactJson.js';
import type { PayloadDecoder, SchemaText } from './codec.js';

/**
 * JSON Schema with ajv: the payload is JSON text, validated against the writer schema (its
 * references added under the names it refers to them by) and passed through as parsed, integers
 * past 2^53 exact (see `parseExactJson`). Unknown keywords are allowed: registries store schemas
 * with their own annotations.
 *
 * @throws when the schema does not compile (an `unusable-schema`)
 */
export function compileJsonSchema(schema: SchemaText): PayloadDecoder {
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
  for (const reference of schema.references) ajv.addSchema(JSON.parse(reference.definition), reference.name);
  const validate = ajv.compile(JSON.parse(schema.definition));
  return (payload) => {
    const text = payload.toString('utf8');
    const value: unknown = JSON.parse(text);
    if (!validate(value)) {
      const [first] = validate.errors ?? [];
      throw new CaptureError(
        `does not match its schema at "${first?.instancePath ?? ''}": ${first?.message ?? 'invalid'}`,
        { retriable: false },
      );
    }
    // ajv knows numbers only (a bigint is no `integer` to it), so it checks the doubles, and the
    // line gets the producer's digits.
    return { value: mayHoldWideIntegers(text) ? parseExactJson(text) : value };
  };
}
