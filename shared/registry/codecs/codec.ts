/**
 * A writer schema as the registry gave it: its text and, recursively flattened, the schemas it
 * refers to (Protobuf imports, Avro named types, JSON Schema `$ref`s), each under the name the
 * referring schema uses. Dependencies come before the schemas that use them.
 */
export interface SchemaText {
  readonly definition: string;
  readonly references: readonly { readonly name: string; readonly definition: string }[];
}

/** Turns a payload into plain JSON values (bigints for exact 64-bit integers); throws when it does not decode. */
export type PayloadDecoder = (payload: Buffer) => unknown;
