import { CaptureError } from '../errors.js';
import { decodedJson } from '../registry/decodedJson.js';
import { type BodyWriter, DeadLetterReason } from './encodedRecord.js';
import { envelopeMetadata } from './envelope.js';

/**
 * JSON lines of a topic whose records were decoded with their registry schemas (`record.decoded`).
 * Without an envelope a line is the decoded value. With one, the coordinates come first, the key
 * decoded when keys are (else as usual), then `schema` (and `keySchema`): `{registry, id, format,
 * subject, version}` of the writer schema, then `body`, the decoded value, and with `keepRawBytes`
 * the original bytes as `bodyBase64`. A record that did not decode is a dead letter with its reason.
 */
export function registryLineWriter(envelope: boolean, keepRawBytes: boolean): BodyWriter {
  return (record, needsValue) => {
    if (record.body.length === 0) return { reason: DeadLetterReason.emptyBody, detail: 'body is empty' };
    const decoding = record.decoded;
    if (decoding === undefined) {
      throw new CaptureError(
        'a registry topic record reached the encoder undecoded: ingestBatch decodes first',
        {
          retriable: false,
        },
      );
    }
    if (!decoding.ok) return { reason: decoding.reason, detail: decoding.detail };
    const { value, key } = decoding;
    const line = envelope
      ? decodedJson({
          ...envelopeMetadata(record),
          ...(key === undefined ? {} : { key: key.value }),
          schema: value.schema,
          ...(key === undefined ? {} : { keySchema: key.schema }),
          body: value.value,
          ...(keepRawBytes ? { bodyBase64: record.body.toString('base64') } : {}),
        })
      : decodedJson(value.value);
    const chunk = Buffer.from(line);
    return { chunks: [chunk], lineBytes: chunk.length + 1, value: needsValue ? value.value : undefined };
  };
}
