import avro from 'avsc';
import { afterAll, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../../../local/emulators/openLake.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import { pathCatalogTarget } from '../../../../shared/compaction/pathCatalogTarget.js';
import { tableRootOf } from '../../../../shared/compaction/tableLayout.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { createRecordDecoder } from '../../../../shared/registry/recordDecoder.js';
import type { SchemaSource } from '../../../../shared/registry/schemaSource.js';
import { loadIcebergTable } from '../../../../shared/tables/iceberg/commit.js';
import { pathCatalog } from '../../../../shared/tables/iceberg/pathCatalog.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { readWithPyIceberg } from '../../../helpers/readers/pyiceberg.js';

const at = (hour: number, minute: number, second = 0) => Date.UTC(2026, 10, 21, hour, minute, second);

/** Version 1 declares `count` an Avro `int`; version 2 widens it to `long`, as Avro's evolution allows. */
function countSchema(version: 1 | 2): string {
  return JSON.stringify({
    type: 'record',
    name: 'Count',
    namespace: 'shop',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'count', type: version === 1 ? 'int' : 'long' },
    ],
  });
}

const lakes: Lake[] = [];
afterAll(async () => {
  for (const lake of lakes) await lake.close();
});

describe('Function: compactClosedHours into Iceberg, a registry field widened from int to long', () => {
  it('promotes the column in place (same field id), and pyiceberg reads both hours’ values exactly, none rescued', async () => {
    // Prepare: hour 12 written with version 1, hour 13 with version 2 and counts past 2^31
    const topic = topicConfig({
      name: 'counts',
      jsonl: { envelope: true },
      registry: { kind: 'confluent', url: 'http://registry.invalid' },
      compaction: { partitionsPerGroup: 8, table: 'iceberg' },
    });
    const registry = topic.registry;
    if (registry === undefined) throw new Error('the topic has no registry');
    const source: SchemaSource = async (id) => ({
      format: 'avro',
      definition: countSchema(Number(id) as 1 | 2),
      references: [],
      subject: 'counts-value',
      version: Number(id),
    });
    const lake = await openLake('fs');
    lakes.push(lake);
    let now = at(12, 0);
    const context: CaptureContext = {
      topic,
      store: lake.store,
      clock: () => now,
      decoder: createRecordDecoder(topic.name, registry, source),
    };
    const produced = [
      ...[1, 2, 3].map((count) => ({ id: `a${count}`, count, version: 1 as const, hour: 12 })),
      ...[1, 2, 3].map((index) => ({
        id: `b${index}`,
        count: 2 ** 40 + index,
        version: 2 as const,
        hour: 13,
      })),
    ];
    for (const [position, { id, count, version, hour }] of produced.entries()) {
      now = at(hour, position, 30);
      const frame = Buffer.alloc(5);
      frame.writeUInt32BE(version, 1);
      const payload = avro.Type.forSchema(JSON.parse(countSchema(version))).toBuffer({ id, count });
      await ingestBatch(context, [
        makeRecord({ topic: topic.name, position, brokerTime: now, body: Buffer.concat([frame, payload]) }),
      ]);
    }
    now = at(14, 10);
    await sealIdlePartitions(context);

    // Act
    await compactClosedHours(context, {
      lookbackHours: 3,
      iceberg: await pathCatalogTarget(() => lake.lakeLocation)(context),
    });
    const read = await readWithPyIceberg(`${lake.lakeLocation}${tableRootOf(topic.name).replace(/\/$/, '')}`);
    const { metadata } = await loadIcebergTable(
      lake.store.objects,
      pathCatalog(lake.store.objects, tableRootOf(topic.name)),
    );

    // Assess
    expect(read.rows.map((row) => [row.id, row.count, row._rescued_data ?? null])).toEqual(
      produced.map(({ id, count }) => [id, count, null]),
    );
    expect(read.schema).toMatch(/count: optional long/);
    const countFields = (metadata?.schemas ?? []).map((schema) =>
      schema.fields.find((field) => field.name === 'count'),
    );
    expect(countFields[0]).toMatchObject({ type: 'int' });
    expect(countFields.at(-1)).toMatchObject({ type: 'long', id: countFields[0]?.id });
  });
});
