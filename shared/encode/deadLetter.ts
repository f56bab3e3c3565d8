import type { CaptureRecord } from '../record.js';
import { bytesAsJson, headerValueAsJson } from './jsonValue.js';

/**
 * One dead-letter line (without its newline): why, where the record came from, and its original bytes (base64), so it can be
 * repaired and replayed without going back to the source.
 */
export function deadLetterLine(record: CaptureRecord, reason: string, detail: string): Buffer {
  const line = {
    reason,
    detail,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    position: record.position,
    timestamp: new Date(record.brokerTime).toISOString(),
    key: record.key === null ? null : bytesAsJson(record.key),
    headers: record.headers.map((header) => ({ name: header.name, value: headerValueAsJson(header.value) })),
    bodyBase64: record.body.toString('base64'),
  };
  return Buffer.from(JSON.stringify(line));
}
