import protobuf from 'protobufjs';
import type { PayloadDecoder, SchemaText } from './codec.js';
import { protobufMessageJson } from './protobufJson.js';
import { MESSAGE_CHOOSERS, type MessageFraming } from './protobufMessages.js';

const PARSE_OPTIONS = { keepCase: true, alternateCommentMode: true };

/**
 * Files Confluent's serializers treat as built in, so a schema may import them without registering
 * a reference: its decimal type (`bytes value`, big-endian two's complement, with precision and scale).
 */
const CONFLUENT_BUILT_IN: Readonly<Record<string, string>> = {
  'confluent/type/decimal.proto':
    'syntax = "proto3"; package confluent.type; message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }',
};

/**
 * Protobuf with protobufjs, from the registry's `.proto` text: its references (imports registered
 * as other subjects) are parsed first into the same root; Google's well-known types come with
 * protobufjs, as Confluent's serializers assume. The payload starts with the message index of its
 * registry's framing (`protobufMessages.ts`), which says which message of the file the bytes are. Imports
 * the registry did not return (Confluent's built-in decimal) come from here; the references are
 * parsed before the schema, so a reference under a built-in's name wins.
 *
 * @throws when the schema does not parse or names a type nothing defines (an `unusable-schema`)
 */
export function compileProtobuf(schema: SchemaText, framing: MessageFraming): PayloadDecoder {
  const root = new protobuf.Root();
  const knownFiles = new Set<string>();
  const parseFile = (definition: string) => {
    const parsed = protobuf.parse(definition, root, PARSE_OPTIONS);
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
  const alone = protobuf.parse(schema.definition, new protobuf.Root(), PARSE_OPTIONS);
  const chooseMessage = MESSAGE_CHOOSERS[framing](alone, root);
  return (payload) => {
    const reader = protobuf.Reader.create(payload);
    const type = chooseMessage(reader);
    return {
      value: protobufMessageJson(type, type.decode(payload.subarray(reader.pos))),
      message: type.fullName.replace(/^\./, ''),
    };
  };
}
