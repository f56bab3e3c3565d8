import type { SchemaText } from './codecs/codec.js';
import type { SchemaFormat } from './schemaRef.js';

/** A writer schema as one registry returned it, its references resolved. */
export interface FetchedSchema extends SchemaText {
  readonly format: SchemaFormat;
  /** Confluent: the subject; Azure: `<group>/<name>`; Glue: the schema's name. */
  readonly subject?: string;
  readonly version?: number;
}

/**
 * Asks one registry for a writer schema by the id a frame carries. Resolves `undefined` when the
 * registry has no such schema (a dead letter for the record); throws `RegistryUnavailableError` when
 * it could not be asked (the batch is retried), and a permanent `CaptureError` when it refuses us
 * (credentials, permissions: the partition holds until a person fixes them).
 */
export type SchemaSource = (id: string) => Promise<FetchedSchema | undefined>;
