import { chunkBytes, type EncodedRecord } from '../../shared/encode/encodedRecord.js';

/** The text of an encoded record's line, without the newline the segment adds. */
export function lineText(encoded: EncodedRecord): string {
  return Buffer.concat(encoded.chunks.map(chunkBytes)).toString('utf8');
}
