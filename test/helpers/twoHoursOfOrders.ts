import { expect } from 'vitest';
import type { Lake } from '../../local/emulators/openLake.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import { ingestBatch } from '../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../shared/pipeline/sealTimer.js';
import type { CaptureRecord } from '../../shared/record.js';
import { topicConfig } from './factories.js';
import { readLines } from './lakeReader.js';

export interface OrderBody {
  readonly user: { readonly id: number; readonly plan?: string };
  readonly items: readonly { readonly sku: string }[];
  readonly total: number;
}

/** The orders topic compacted into an Iceberg table, one partition per group, as the Iceberg tests capture it. */
export const ICEBERG_ORDERS = topicConfig({
  name: 'orders',
  jsonl: { envelope: true },
  compression: 'gzip',
  compaction: { partitionsPerGroup: 1, table: 'iceberg' },
});

const at = (hour: number, minute: number, second = 0) => Date.UTC(2026, 10, 21, hour, minute, second);
const RECORDS_PER_HOUR = 40;

/**
 * Two hours (12:00 and 13:00 UTC, 2026-11-21) of orders over two partitions, captured as gzip
 * envelopes and sealed; the second hour's users have a field the first hour's lack (`user.plan`).
 * Returns a context whose clock stands at 14:10, when both hours are closed, and every raw record's
 * body by `partition/position`.
 */
export async function captureTwoHoursOfOrders(
  lake: Lake,
  topic: TopicConfig,
): Promise<{ context: CaptureContext; raw: Map<string, OrderBody> }> {
  let now = at(12, 0);
  const context: CaptureContext = { topic, store: lake.store, clock: () => now };
  let position = 0;
  for (const hour of [12, 13]) {
    for (let minute = 0; minute < 60; minute += 15) {
      now = at(hour, minute, 30);
      const records: CaptureRecord[] = Array.from({ length: RECORDS_PER_HOUR / 4 }, (_, index) => {
        const current = position++;
        const user = hour === 13 ? { id: current, plan: index % 2 === 0 ? 'pro' : 'free' } : { id: current };
        const body: OrderBody = { user, items: [{ sku: `sku-${index}` }], total: index * 1.5 };
        return {
          topic: topic.name,
          partition: String(current % 2),
          position: current,
          offset: String(current),
          brokerTime: at(hour, minute, index),
          key: null,
          headers: [],
          systemProperties: {},
          body: Buffer.from(JSON.stringify(body)),
        };
      });
      await ingestBatch(context, records);
    }
  }
  now = at(14, 10);
  await sealIdlePartitions(context);
  const raw = new Map<string, OrderBody>();
  for (const { value } of await readLines(lake.store.objects, 'raw/')) {
    const envelope = value as { partition: string; position: number; body: OrderBody };
    raw.set(`${envelope.partition}/${envelope.position}`, envelope.body);
  }
  return { context, raw };
}

/**
 * Asserts that rows read back from an Iceberg table are the raw records, each exactly once (Iceberg
 * reserves `_partition`, so the table names that column `_source_partition`), with `user` as a struct
 * that has `plan` null where the raw body had none and `items` as a list.
 */
export function expectEveryOrderOnce(
  rows: readonly Record<string, unknown>[],
  raw: ReadonlyMap<string, OrderBody>,
): void {
  const keys = rows.map((row) => `${row._source_partition}/${row._position}`);
  expect(keys.length).toBe(raw.size);
  expect(new Set(keys)).toEqual(new Set(raw.keys()));
  for (const row of rows) {
    const body = raw.get(`${row._source_partition}/${row._position}`);
    expect(row.user).toEqual({ id: body?.user.id, plan: body?.user.plan ?? null });
    expect(row.items).toEqual(body?.items);
  }
}
