import { isoTimeText } from '../isoTime.js';
import type { CaptureRecord } from '../record.js';
import { bytesAsJson, headerValueAsJson } from './jsonValue.js';

/**
 * The coordinates a JSON-lines envelope starts with, in the order every envelope writes them: topic,
 * partition, offset, position, timestamp, key, headers and (Event Hubs) system properties.
 */
export function envelopeMetadata(record: CaptureRecord): Record<string, unknown> {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    position: record.position,
    timestamp: isoTimeText(record.brokerTime),
    key: record.key === null ? null : bytesAsJson(record.key),
    headers: headersAsJson(record),
    ...(Object.keys(record.systemProperties).length > 0 ? { systemProperties: record.systemProperties } : {}),
  };
}

/**
 * `JSON.stringify(envelopeMetadata(record))` without its closing brace, written field by field: the
 * envelope of every JSON-lines record starts with it, and building the object first to serialize it
 * was a third of the encoder's time. The same text, byte for byte: `envelopeMetadata` stays the
 * reference, and envelope.test.ts fails if the two drift apart.
 */
export function envelopeHead(record: CaptureRecord): string {
  const key = record.key === null ? 'null' : JSON.stringify(bytesAsJson(record.key));
  const headers = record.headers.length === 0 ? '[]' : JSON.stringify(headersAsJson(record));
  const systemProperties =
    Object.keys(record.systemProperties).length > 0
      ? `,"systemProperties":${JSON.stringify(record.systemProperties)}`
      : '';
  return `{"topic":${JSON.stringify(record.topic)},"partition":${JSON.stringify(record.partition)},"offset":${JSON.stringify(record.offset)},"position":${JSON.stringify(record.position)},"timestamp":"${isoTimeText(record.brokerTime)}","key":${key},"headers":${headers}${systemProperties}`;
}

function headersAsJson(record: CaptureRecord): unknown[] {
  return record.headers.map((header) => ({ name: header.name, value: headerValueAsJson(header.value) }));
}
