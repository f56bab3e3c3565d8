import { isUtf8 } from 'node:buffer';
import type { TopicConfig } from '../config/schema.js';
import { eventDataChunks } from './captureEventData.js';
import type { BodyWriter, DeadLetterReason } from './encodedRecord.js';

const LINE_FEED = 0x0a;
const LENGTH_PREFIX_BYTES = 4;
const CONTAINS_NEWLINE: DeadLetterReason = 'contains-newline';

/**
 * Capture's Avro: every body fits (`bytes`), empty ones included, so only size makes a dead letter.
 * The parsed body is looked at only for a body time field.
 */
export const captureDatumWriter: BodyWriter = (record, needsValue) => {
  const chunks = eventDataChunks(record);
  return {
    chunks,
    lineBytes: chunks[0].length + chunks[1].length,
    value: needsValue ? jsonValueOf(record.body) : undefined,
  };
};

/**
 * Raw bodies as they came. Newline-delimited: a body holding a line feed would read back as two
 * records, so it becomes a dead letter (`length-prefixed` keeps such bodies). Length-prefixed: each
 * body follows its length as a 4-byte big-endian unsigned integer, so any bytes fit.
 */
export function rawBodyWriter(delimiter: TopicConfig['raw']['delimiter']): BodyWriter {
  if (delimiter === 'length-prefixed') {
    return (record, needsValue) => {
      const prefix = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES);
      prefix.writeUInt32BE(record.body.length);
      return {
        chunks: [prefix, record.body],
        lineBytes: LENGTH_PREFIX_BYTES + record.body.length,
        value: needsValue ? jsonValueOf(record.body) : undefined,
      };
    };
  }
  return (record, needsValue) => {
    const lineFeed = record.body.indexOf(LINE_FEED);
    if (lineFeed !== -1) {
      return {
        reason: CONTAINS_NEWLINE,
        detail: `body has a line feed at byte ${lineFeed}; raw.delimiter: length-prefixed keeps such bodies`,
      };
    }
    return {
      chunks: [record.body],
      lineBytes: record.body.length + 1,
      value: needsValue ? jsonValueOf(record.body) : undefined,
    };
  };
}

/** The body as JSON when it is, for a body time field; undefined for anything else. */
function jsonValueOf(body: Buffer): unknown {
  if (body.length === 0 || !isUtf8(body)) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
