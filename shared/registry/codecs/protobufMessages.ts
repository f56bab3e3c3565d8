import protobuf from 'protobufjs';
import { CaptureError } from '../../errors.js';

/** Whose serializer wrote the payload, and so how it says which message of the schema file it is. */
export type MessageFraming = 'confluent' | 'glue';

/** Reads the message index at the payload's start and returns the message type it names. */
type MessageChooser = (reader: protobuf.Reader) => protobuf.Type;

/**
 * The file parsed alone shows its own messages in declaration order; each chosen message is then
 * looked up in the root that holds the file's references, resolved.
 */
export const MESSAGE_CHOOSERS: Record<
  MessageFraming,
  (alone: protobuf.IParserResult, root: protobuf.Root) => MessageChooser
> = {
  confluent: confluentMessages,
  glue: glueMessages,
};

const undecodable = (message: string) => new CaptureError(message, { retriable: false });

function fileNamespaceOf(alone: protobuf.IParserResult): protobuf.ReflectionObject | null {
  return alone.package ? alone.root.lookup(alone.package) : alone.root;
}

function messagesIn(namespace: protobuf.ReflectionObject | null): protobuf.Type[] {
  return namespace instanceof protobuf.Namespace
    ? namespace.nestedArray.filter((nested): nested is protobuf.Type => nested instanceof protobuf.Type)
    : [];
}

/**
 * Confluent's message indexes: a zigzag varint count, then that many zigzag varint indexes into the
 * file's messages in declaration order (then into the chosen message's nested messages); a count of
 * 0 alone stands for [0], the file's first message. Enums and map entries are not counted.
 */
function confluentMessages(alone: protobuf.IParserResult, root: protobuf.Root): MessageChooser {
  const fileMessages = messagesIn(fileNamespaceOf(alone));
  return (reader) => {
    const count = reader.sint32();
    if (count < 0 || count > reader.len) throw undecodable(`message index count ${count} is impossible`);
    const indexes = count === 0 ? [0] : Array.from({ length: count }, () => reader.sint32());
    let candidates = fileMessages;
    let found: protobuf.Type | undefined;
    for (const index of indexes) {
      found = candidates[index];
      if (found === undefined)
        throw undecodable(`message indexes [${indexes}] name no message of the schema`);
      candidates = messagesIn(found);
    }
    if (found === undefined) throw undecodable('no message index');
    return root.lookupType(found.fullName);
  };
}

/**
 * AWS Glue's serializer (`ProtobufWireFormatEncoder`, `MessageIndexFinder`): one unsigned varint,
 * the index of the message among every message type of the file, nested ones and the map entries
 * protoc generates included, sorted by full name.
 */
function glueMessages(alone: protobuf.IParserResult, root: protobuf.Root): MessageChooser {
  const names: string[] = [];
  const visit = (types: protobuf.Type[]) => {
    for (const type of types) {
      const fullName = type.fullName.replace(/^\./, '');
      names.push(fullName);
      for (const field of type.fieldsArray)
        if (field.map) names.push(`${fullName}.${mapEntryName(field.name)}`);
      visit(messagesIn(type));
    }
  };
  visit(messagesIn(fileNamespaceOf(alone)));
  // Java compares full names as UTF-16 strings, which is what sort() does.
  names.sort();
  return (reader) => {
    const index = reader.uint32();
    const name = names[index];
    const type = name === undefined ? null : root.lookup(name);
    if (!(type instanceof protobuf.Type))
      throw undecodable(`message index ${index} names no message of the schema`);
    return type;
  };
}

/** protoc's name of a map field's entry message: the field name in CamelCase, then `Entry`. */
function mapEntryName(fieldName: string): string {
  const camel = fieldName.replace(/_(.)/g, (_, letter: string) => letter.toUpperCase());
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}
