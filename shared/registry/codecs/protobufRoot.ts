import protobuf from 'protobufjs';
import type { SchemaText } from './codec.js';

export const PROTOBUF_PARSE_OPTIONS = { keepCase: true, alternateCommentMode: true };

/**
 * Files Confluent's serializers treat as built in, so a schema may import them without registering
 * a reference: its decimal type (`bytes value`, big-endian two's complement, with precision and scale).
 */
const CONFLUENT_BUILT_IN: Readonly<Record<string, string>> = {
  'confluent/type/decimal.proto':
    'syntax = "proto3"; package confluent.type; message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }',
};

/**
 * One protobufjs root holding a registry's `.proto` text and everything it imports, resolved: its
 * references (imports registered as other subjects) are parsed first; Google's well-known types come
 * with protobufjs, as Confluent's serializers assume; imports the registry did not return (Confluent's
 * built-in decimal) come from here. The references are parsed before the schema, so a reference under
 * a built-in's name wins. Decoding and the compaction's column types both read schemas through it.
 *
 * @throws when the schema does not parse or names a type nothing defines
 */
export function protobufRootOf(schema: SchemaText): protobuf.Root {
  const root = new protobuf.Root();
  const knownFiles = new Set<string>();
  const parseFile = (definition: string) => {
    const parsed = protobuf.parse(definition, root, PROTOBUF_PARSE_OPTIONS);
    for (const imported of parsed.imports ?? []) {
      if (knownFiles.has(imported)) continue;
      const wellKnown = protobuf.common.get(imported);
      const builtIn = CONFLUENT_BUILT_IN[imported];
      if (wellKnown) {
        knownFiles.add(imported);
        root.addJSON((wellKnown as { nested: protobuf.INamespace['nested'] }).nested ?? {});
      } else if (builtIn) {
        knownFiles.add(imported);
        parseFile(builtIn);
      }
    }
  };
  for (const reference of schema.references) {
    knownFiles.add(reference.name);
    parseFile(reference.definition);
  }
  parseFile(schema.definition);
  // Throws on a type no parsed file defines: a reference the registry did not return.
  root.resolveAll();
  return root;
}
