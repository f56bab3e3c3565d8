/**
 * The basic words of registry decoding, shared by the record type, the codecs and the encoders. This
 * file imports nothing, so anything may import it without closing a circle.
 */

/** Which registry API a topic's frames point into. */
export type RegistryKindName = 'confluent' | 'azure' | 'glue';

/** The schema languages the registries hold. */
export type SchemaFormat = 'avro' | 'protobuf' | 'json';

/**
 * Which writer schema a value was decoded with: what the envelope records (`schema`, `keySchema`) and
 * what names its file under `_schemas/`. `id` is the registry's own: a Confluent id as decimal text,
 * an Azure schema id, a Glue schema version UUID.
 */
export interface SchemaRef {
  readonly registry: RegistryKindName;
  readonly id: string;
  readonly format: SchemaFormat;
  /** Confluent: the subject; Azure: `<group>/<name>`; Glue: the schema's name. Absent when unknown. */
  readonly subject?: string;
  /** The version of the schema under its subject or name. Absent when unknown. */
  readonly version?: number;
  /** Protobuf: the fully qualified message of the schema file this value is (the frame's message indexes). */
  readonly message?: string;
}

/** A value or key decoded with its writer schema, as plain JSON values. */
export interface DecodedPart {
  readonly value: unknown;
  readonly schema: SchemaRef;
}

/** Why a framed record cannot be decoded: each is its own dead-letter reason. */
export const RegistryFailure = {
  /** The frame names a schema the registry does not have. */
  unknownSchema: 'unknown-schema',
  /** The bytes are not framed as the topic's registry frames them (magic byte, length, content type). */
  notFramed: 'not-framed',
  /** The bytes do not decode with the schema their frame names. */
  undecodable: 'undecodable',
  /** The registry returned a schema this product cannot use (unparseable, unsupported). */
  unusableSchema: 'unusable-schema',
} as const;
export type RegistryFailure = (typeof RegistryFailure)[keyof typeof RegistryFailure];

/** What decoding made of one record: its decoded value (and key), or why it is a dead letter. */
export type RegistryDecoding =
  | { readonly ok: true; readonly value: DecodedPart; readonly key?: DecodedPart }
  | {
      readonly ok: false;
      readonly reason: RegistryFailure;
      readonly detail: string;
    };
