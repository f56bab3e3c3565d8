import { type TopicConfig, type TopicConfigInput, topicSchema } from '../../shared/config/schema.js';
import type { CaptureRecord } from '../../shared/record.js';

/** A validated topic config with test-friendly defaults; override any field. */
export function topicConfig(overrides: Partial<TopicConfigInput> = {}): TopicConfig {
  return topicSchema.parse({ name: 'orders', source: 'eventhub', ...overrides });
}

/** A record with a small JSON body that names its own coordinates, so output can be traced back. */
export function makeRecord(
  overrides: Partial<CaptureRecord> & { partition?: string; position?: number } = {},
): CaptureRecord {
  const partition = overrides.partition ?? '0';
  const position = overrides.position ?? 0;
  return {
    topic: 'orders',
    partition,
    position,
    offset: String(position),
    brokerTime: Date.UTC(2026, 10, 21, 12, 0, 0),
    key: null,
    headers: [],
    systemProperties: {},
    body: Buffer.from(JSON.stringify({ partition, position })),
    ...overrides,
  };
}
