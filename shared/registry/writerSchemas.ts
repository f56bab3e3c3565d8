import type { PayloadDecoder } from './codecs/codec.js';
import type { RegistryKindName, SchemaRef } from './schemaRef.js';
import type { FetchedSchema, SchemaSource } from './schemaSource.js';

/** A writer schema ready to decode payloads, with what the lake records of it. */
export interface WriterSchema {
  readonly ref: SchemaRef;
  readonly fetched: FetchedSchema;
  readonly decode: PayloadDecoder;
}

/** What asking for an id gives: the schema, none (an unknown id), or why it cannot be used. */
export type WriterSchemaLookup =
  | { readonly found: true; readonly schema: WriterSchema }
  | { readonly found: false; readonly unusable?: string };

/**
 * The writer schemas of one instance, each fetched and compiled once per id: later records with the
 * same id use the cached one. A failed fetch (an outage) is not cached, so the retried batch asks
 * again; an unknown id is, since registries never give an id to another schema. The codecs are
 * loaded on first use (`await import`), so a topic without a registry never loads them.
 */
export function createWriterSchemas(
  kind: RegistryKindName,
  source: SchemaSource,
): (id: string) => Promise<WriterSchemaLookup> {
  const cache = new Map<string, Promise<WriterSchemaLookup>>();
  return (id) => {
    const known = cache.get(id);
    if (known) return known;
    const lookup = lookUp(kind, source, id);
    cache.set(id, lookup);
    lookup.catch(() => cache.delete(id));
    return lookup;
  };
}

async function lookUp(kind: RegistryKindName, source: SchemaSource, id: string): Promise<WriterSchemaLookup> {
  const fetched = await source(id);
  if (fetched === undefined) return { found: false };
  try {
    const decode = await compile(kind, fetched);
    const ref: SchemaRef = {
      registry: kind,
      id,
      format: fetched.format,
      ...(fetched.subject === undefined ? {} : { subject: fetched.subject }),
      ...(fetched.version === undefined ? {} : { version: fetched.version }),
    };
    return { found: true, schema: { ref, fetched, decode } };
  } catch (error) {
    return {
      found: false,
      unusable: `${fetched.format} schema does not compile: ${(error as Error).message}`,
    };
  }
}

async function compile(kind: RegistryKindName, fetched: FetchedSchema): Promise<PayloadDecoder> {
  switch (fetched.format) {
    case 'avro':
      return (await import('./codecs/avro.js')).compileAvro(fetched);
    case 'protobuf':
      // Glue's serializer marks the message its own way; Confluent's framing is the other kind's.
      return (await import('./codecs/protobuf.js')).compileProtobuf(
        fetched,
        kind === 'glue' ? 'glue' : 'confluent',
      );
    case 'json':
      return (await import('./codecs/jsonSchema.js')).compileJsonSchema(fetched);
  }
}
