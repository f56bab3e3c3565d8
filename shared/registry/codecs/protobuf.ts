import protobuf from 'protobufjs';
import type { PayloadDecoder, SchemaText } from './codec.js';
import { protobufMessageJson } from './protobufJson.js';
import { MESSAGE_CHOOSERS, type MessageFraming } from './protobufMessages.js';
import { PROTOBUF_PARSE_OPTIONS, protobufRootOf } from './protobufRoot.js';

/**
 * Protobuf with protobufjs, from the registry's `.proto` text and its references (see
 * `protobufRootOf`). The payload starts with the message index of its registry's framing
 * (`protobufMessages.ts`), which says which message of the file the bytes are.
 *
 * @throws when the schema does not parse or names a type nothing defines (an `unusable-schema`)
 */
export function compileProtobuf(schema: SchemaText, framing: MessageFraming): PayloadDecoder {
  const root = protobufRootOf(schema);
  const alone = protobuf.parse(schema.definition, new protobuf.Root(), PROTOBUF_PARSE_OPTIONS);
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
