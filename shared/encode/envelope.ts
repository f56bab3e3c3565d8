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
    timestamp: new Date(record.brokerTime).toISOString(),
    key: record.key === null ? null : bytesAsJson(record.key),
    headers: record.headers.map((header) => ({ name: header.name, value: headerValueAsJson(header.value) })),
    ...(Object.keys(record.systemProperties).length > 0 ? { systemProperties: record.systemProperties } : {}),
  };
}
