/**
 * A writer schema as the registry gave it: its text and, recursively flattened, the schemas it
 * refers to (Protobuf imports, Avro named types, JSON Schema `$ref`s), each under the name the
 * referring schema uses. Dependencies come before the schemas that use them.
 */
export interface SchemaText {
  readonly definition: string;
  readonly references: readonly { readonly name: string; readonly definition: string }[];
}

/**
 * A payload decoded: plain JSON values (bigints for exact 64-bit integers), and for Protobuf the
 * fully qualified name of the message its indexes chose, since one schema file holds several.
 */
export interface DecodedPayload {
  readonly value: unknown;
  readonly message?: string;
}

/** Decodes one payload with its writer schema; throws when it does not decode. */
export type PayloadDecoder = (payload: Buffer) => DecodedPayload;
