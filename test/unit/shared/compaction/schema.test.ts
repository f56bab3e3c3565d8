import { describe, expect, it } from 'vitest';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import type { SchemaFile } from '../../../../shared/compaction/manifest.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { compactedManifests, readCompactedRows } from '../../../helpers/compactedLake.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { freshFsStore } from '../../../helpers/freshStores.js';

const at = (minute: number) => Date.UTC(2026, 10, 21, 12, minute);

/** Bodies whose shape changes through the hour, in delivery order. */
const BODIES: unknown[] = [
  { id: 1, price: 5, ok: true },
  { id: 2, price: 5.5, note: 'a field added mid-hour' },
  { id: 'x3', price: 7, meta: { source: 'web', depth: { level: 2 } } },
  { id: 4, tags: ['a', { b: 2 }, null], meta: { source: null } },
  { _position: 'a body field named like a metadata column', ok: false },
  [1, 'two', { three: 3 }],
];

/** The body again from a DuckDB row: JSON-text columns parsed, absent fields left out. */
function bodyOf(row: Record<string, unknown>, schema: SchemaFile): unknown {
  const body: Record<string, unknown> = {};
  for (const column of schema.columns) {
    const value = row[column.name];
    if (!column.source.startsWith('body') || value === null || value === undefined) continue;
    const decoded =
      column.type === 'json' ? JSON.parse(String(value)) : typeof value === 'bigint' ? Number(value) : value;
    if (column.source === 'body') return decoded;
    body[column.source.slice('body.'.length)] = decoded;
  }
  return body;
}

describe('Function: compactClosedHours (schema inference)', () => {
  it('keeps every value when fields are added, change type, nest and turn into arrays mid-hour', async () => {
    // Prepare
    const store = await freshFsStore();
    let now = at(10);
    const context = { topic: topicConfig({ jsonl: { envelope: true } }), store, clock: () => now };
    const records = BODIES.map((body, position) =>
      makeRecord({ position, brokerTime: at(position * 5), body: Buffer.from(JSON.stringify(body)) }),
    );
    for (const record of records) {
      now = record.brokerTime + 1000;
      await ingestBatch(context, [record]);
    }
    now = Date.UTC(2026, 10, 21, 13, 5);
    await sealIdlePartitions(context);

    // Act
    const summary = await compactClosedHours(context, { lookbackHours: 1 });

    // Assess
    const [manifest] = await compactedManifests(store.objects, 'orders');
    const schema = JSON.parse(
      (await store.objects.read(manifest?.schema ?? '')).toString('utf8'),
    ) as SchemaFile;
    const types = Object.fromEntries(schema.columns.map((column) => [column.name, column.type]));
    expect(types).toMatchObject({
      id: 'json',
      price: 'double',
      ok: 'boolean',
      note: 'string',
      meta: 'json',
      tags: 'json',
      _body: 'json',
      body__position: 'string',
    });
    expect(schema.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ column: 'id', change: 'kept-as-json' }),
        expect.objectContaining({ column: 'price', change: 'widened' }),
        expect.objectContaining({ column: 'note', change: 'added-later' }),
      ]),
    );
    expect(summary.schemaChanges).toBe(schema.changes.length);
    const rows = await readCompactedRows(store.objects, 'orders');
    const byPosition = new Map(rows.map((row) => [Number(row._position), bodyOf(row, schema)]));
    expect([...byPosition.keys()].sort()).toEqual(BODIES.map((_, position) => position));
    for (const [position, body] of BODIES.entries()) expect(byPosition.get(position)).toEqual(body);
  });
});
