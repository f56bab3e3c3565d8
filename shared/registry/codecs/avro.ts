import avro from 'avsc';
import { AVRO_LOGICAL_TYPES, EXACT_LONG } from './avroLogicalTypes.js';
import type { PayloadDecoder, SchemaText } from './codec.js';

/**
 * Avro with avsc: the writer schema's named types from its references first, then the schema itself,
 * in one registry. Logical types become ISO times, exact decimal text, dates and uuids; a union of
 * null and one type is that type or null, a union avsc cannot tell apart by value is Avro's JSON
 * encoding `{"<branch>": value}`; bytes and fixed become base64 (see `decodedJson`).
 *
 * @throws when the schema is not valid Avro (the caller makes that an `unusable-schema` dead letter)
 */
export function compileAvro(schema: SchemaText): PayloadDecoder {
  const registry: Record<string, avro.Type> = { long: EXACT_LONG };
  const options = {
    registry,
    logicalTypes: AVRO_LOGICAL_TYPES,
    // Without it a logical type whose attributes are wrong is dropped silently and its raw value kept.
    assertLogicalTypes: true,
    wrapUnions: 'auto' as const,
  };
  for (const reference of schema.references) avro.Type.forSchema(JSON.parse(reference.definition), options);
  const type = avro.Type.forSchema(JSON.parse(schema.definition), options);
  // fromBuffer refuses trailing bytes, so a payload of another schema rarely passes unnoticed.
  return (payload) => ({ value: type.fromBuffer(payload) });
}
