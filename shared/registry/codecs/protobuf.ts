import protobuf from 'protobufjs';
import { CaptureError } from '../../errors.js';
import type { PayloadDecoder, SchemaText } from './codec.js';
import { protobufMessageJson } from './protobufJson.js';

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
 * protobufjs, as Confluent's serializers assume. The payload starts with Confluent's message
 * indexes, which say which message of the file (and of its nested messages) the bytes are. Imports
 * the registry did not return (Confluent's built-in decimal) come from here; the references are
 * parsed before the schema, so a reference under a built-in's name wins.
 *
 * @throws when the schema does not parse or names a type nothing defines (an `unusable-schema`)
 */
export function compileProtobuf(schema: SchemaText): PayloadDecoder {
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
  const messageAt = messageIndexesOf(schema.definition, root);
  return (payload) => {
    const reader = protobuf.Reader.create(payload);
    const indexes = readMessageIndexes(reader);
    const type = messageAt(indexes);
    return {
      value: protobufMessageJson(type, type.decode(payload.subarray(reader.pos))),
      message: type.fullName.replace(/^\./, ''),
    };
  };
}

/**
 * Confluent's message indexes: a zigzag varint count, then that many zigzag varint indexes into the
 * file's messages in declaration order (then into the chosen message's nested messages); a count of
 * 0 alone stands for [0], the file's first message.
 */
function readMessageIndexes(reader: protobuf.Reader): number[] {
  const count = reader.sint32();
  if (count < 0 || count > reader.len)
    throw new CaptureError(`message index count ${count} is impossible`, { retriable: false });
  return count === 0 ? [0] : Array.from({ length: count }, () => reader.sint32());
}

/**
 * The message types of the schema's own file, addressed by indexes. Enums and map entries are not
 * counted, as in Confluent's serializers: the file is parsed alone to see its declaration order, and
 * each message is then looked up in the resolved root.
 */
function messageIndexesOf(definition: string, root: protobuf.Root): (indexes: number[]) => protobuf.Type {
  const alone = protobuf.parse(definition, new protobuf.Root(), PARSE_OPTIONS);
  const fileNamespace = alone.package ? alone.root.lookup(alone.package) : alone.root;
  const messagesIn = (namespace: protobuf.ReflectionObject | null): protobuf.Type[] =>
    namespace instanceof protobuf.Namespace
      ? namespace.nestedArray.filter((nested): nested is protobuf.Type => nested instanceof protobuf.Type)
      : [];
  return (indexes) => {
    let candidates = messagesIn(fileNamespace);
    let found: protobuf.Type | undefined;
    for (const index of indexes) {
      found = candidates[index];
      if (found === undefined)
        throw new CaptureError(`message indexes [${indexes}] name no message of the schema`, {
          retriable: false,
        });
      candidates = messagesIn(found);
    }
    if (found === undefined) throw new CaptureError('no message index', { retriable: false });
    return root.lookupType(found.fullName);
  };
}
