import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queryDuckDb } from '../../../../local/audit/duckDb.js';
import { LAKE_KINDS, type Lake, openLake } from '../../../../local/emulators/openLake.js';
import { createEventGenerator } from '../../../../local/sources/generator.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import { tableColumnsOf } from '../../../../shared/compaction/deltaTable.js';
import { PARTITION_FIELDS, tableRootOf } from '../../../../shared/compaction/tableLayout.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import type { CaptureRecord } from '../../../../shared/record.js';
import { createRecordDecoder } from '../../../../shared/registry/recordDecoder.js';
import type { SchemaSource } from '../../../../shared/registry/schemaSource.js';
import type { DataType, StructField } from '../../../../shared/tables/dataType.js';
import { loadSnapshot } from '../../../../shared/tables/delta/readSnapshot.js';
import { committedUnits } from '../../../helpers/compactedLake.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { readLines } from '../../../helpers/lakeReader.js';
import { copyPrefix, tableLocation } from '../../../helpers/readers/lakeLocations.js';
import {
  type SparkType,
  startTableReaders,
  type TableReaders,
} from '../../../helpers/readers/tableReaders.js';
import { avroOrderValue, orders } from '../../../helpers/registry/orderRecords.js';
import { orderAvroSchema, type SchemaVersion } from '../../../helpers/registry/orderSchemas.js';

const TOPIC = topicConfig({ name: 'clicks', jsonl: { envelope: true }, compression: 'gzip' });
const ROOT = tableRootOf(TOPIC.name);
const at = (hour: number, minute: number, second = 0) => Date.UTC(2026, 10, 21, hour, minute, second);
const EVENTS_PER_HOUR = 120;

let readers: TableReaders;
let scratch: string;
const emulators = () => ({
  azuriteConnectionString: inject('azuriteConnectionString'),
  s3Endpoint: inject('s3Endpoint'),
});

beforeAll(async () => {
  readers = await startTableReaders();
  scratch = await mkdtemp(join(tmpdir(), 'table-readers-test-'));
  // Spark starts with its first query: here, so no test carries the start.
  await readers.spark('SELECT 1');
}, 180_000);

afterAll(async () => {
  await readers?.close();
  await rm(scratch, { recursive: true, force: true });
});

/**
 * Two hours of the generator's events over two partitions, the second hour's users with a field the
 * first hour's lack (`user.plan`), captured as gzip envelopes and compacted at 14:10.
 */
async function twoHoursCompacted(lake: Lake): Promise<CaptureContext> {
  let now = at(12, 0);
  const context: CaptureContext = { topic: TOPIC, store: lake.store, clock: () => now };
  const generate = createEventGenerator(16);
  let position = 0;
  for (const hour of [12, 13]) {
    for (let minute = 0; minute < 60; minute += 10) {
      now = at(hour, minute, 30);
      const records: CaptureRecord[] = Array.from({ length: EVENTS_PER_HOUR / 6 }, (_, index) => {
        const event = JSON.parse(generate(at(hour, minute, index)).body.toString()) as { user: object };
        if (hour === 13) event.user = { ...event.user, plan: index % 2 === 0 ? 'pro' : 'free' };
        const current = position++;
        return {
          topic: TOPIC.name,
          partition: String(current % 2),
          position: current,
          offset: String(current),
          brokerTime: at(hour, minute, index),
          key: Buffer.from(`user-${current}`),
          headers: [{ name: 'source', value: Buffer.from('shop') }],
          systemProperties: {},
          body: Buffer.from(JSON.stringify(event)),
        };
      });
      await ingestBatch(context, records);
    }
  }
  now = at(14, 10);
  await sealIdlePartitions(context);
  await compactClosedHours(context, { lookbackHours: 3 });
  return context;
}

/** `partition/position` → the body of every raw record. */
async function rawBodies(lake: Lake): Promise<Map<string, { user: { country: string; plan?: string } }>> {
  const bodies = new Map<string, { user: { country: string; plan?: string } }>();
  for (const { value } of await readLines(lake.store.objects, 'raw/')) {
    const envelope = value as { partition: string; position: number; body: { user: { country: string } } };
    bodies.set(`${envelope.partition}/${envelope.position}`, envelope.body);
  }
  return bodies;
}

/**
 * True when our type is at least as typed as Spark's inference: wherever Spark finds a struct, a
 * list or a scalar other than string, ours is not JSON text (and the same holds inside).
 */
function typeGaps(spark: SparkType, ours: DataType | undefined, path: string): string[] {
  if (ours === undefined) return [`${path}: Spark has it, the table does not`];
  if (typeof spark === 'string')
    return spark !== 'string' && ours.kind === 'json' ? [`${path}: ${spark} is JSON text`] : [];
  if (ours.kind === 'json') return [`${path}: ${spark.type} is JSON text`];
  if (spark.type === 'array')
    return ours.kind === 'array'
      ? typeGaps(spark.elementType, ours.element, `${path}[]`)
      : [`${path}: not a list`];
  if (ours.kind !== 'struct') return [`${path}: not a struct`];
  return structGaps(spark.fields, ours.fields, path);
}

function structGaps(
  spark: readonly { name: string; type: SparkType }[],
  ours: readonly StructField[],
  path: string,
) {
  return spark.flatMap((field) =>
    typeGaps(
      field.type,
      ours.find((candidate) => candidate.name === field.name)?.type,
      path === '' ? field.name : `${path}.${field.name}`,
    ),
  );
}

describe.each(LAKE_KINDS)('Readers no one here wrote, of a Delta table compacted on %s', (kind) => {
  let lake: Lake;
  let raw: Map<string, { user: { country: string; plan?: string } }>;

  beforeAll(async () => {
    lake = await openLake(kind, { emulators: emulators() });
    await twoHoursCompacted(lake);
    raw = await rawBodies(lake);
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
  });

  it('delta-rs reads every raw record as exactly one row, user.country a struct field and the later user.plan too', async () => {
    // Act
    const location = tableLocation(lake, ROOT, emulators());
    const table = await readers.deltaRs(location.uri, location.storageOptions);

    // Assess: version 0 creates the table, 1 commits 12:00, 2 adds user.plan, 3 commits 13:00
    expect(table.version).toBe(3);
    expect(table.schema).toMatch(
      /user: struct<id: string, country: string, device: string, loggedIn: bool, plan: string>/,
    );
    const keys = table.rows.map((row) => `${row._partition}/${row._position}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual([...raw.keys()].sort());
    for (const row of table.rows) {
      const body = raw.get(`${row._partition}/${row._position}`);
      expect(row.user).toMatchObject({ country: body?.user.country, plan: body?.user.plan ?? null });
      expect(row.hour).toBe((row._position as number) < EVENTS_PER_HOUR ? 12 : 13);
    }
  });

  it('DuckDB reads the files delta-rs lists as every raw record once', async () => {
    // Prepare
    const location = tableLocation(lake, ROOT, emulators());
    const { files } = await readers.deltaRs(location.uri, location.storageOptions);
    const folder = await mkdtemp(join(scratch, 'duckdb-'));
    const local = await Promise.all(
      files.map(async (uri, index) => {
        const path = join(folder, `${index}.parquet`);
        await writeFile(path, await lake.store.objects.read(location.storePathOf(uri)));
        return `'${path}'`;
      }),
    );

    // Act
    const [counts] = await queryDuckDb(
      `SELECT count(*)::INTEGER AS rows, count(DISTINCT _partition || '/' || _position)::INTEGER AS records,
         count(*) FILTER (WHERE user.country = 'BR')::INTEGER AS brazil
       FROM read_parquet([${local.join(', ')}], union_by_name = true)`,
    );

    // Assess
    const brazil = [...raw.values()].filter((body) => body.user.country === 'BR').length;
    expect(counts).toEqual({ rows: raw.size, records: raw.size, brazil });
  });

  it('Spark with Delta reads the table: every record once, WHERE user.country works, the schema change in its history', async () => {
    // Prepare: Spark reads a filesystem table in place, a copy of one written to an emulator
    const path =
      lake.kind === 'fs'
        ? join(lake.where, ROOT)
        : await copyPrefix(lake.store.objects, ROOT, await mkdtemp(join(scratch, 'spark-')));

    // Act
    const answer = await readers.spark(
      `SELECT count(*) AS rows, count(DISTINCT _partition, _position) AS records,
         count_if(user.country = 'BR') AS brazil, count_if(user.plan IS NOT NULL) AS planned FROM t`,
      [{ name: 't', format: 'delta', path }],
    );
    const history = await readers.spark(`DESCRIBE HISTORY delta.\`${path}\``);

    // Assess
    const brazil = [...raw.values()].filter((body) => body.user.country === 'BR').length;
    expect(answer.rows).toEqual([{ rows: raw.size, records: raw.size, brazil, planned: EVENTS_PER_HOUR }]);
    const operations = history.rows
      .sort((a, b) => Number(a.version) - Number(b.version))
      .map((row) => row.operation);
    expect(operations).toEqual(['CREATE TABLE', 'WRITE', 'ADD COLUMNS', 'WRITE']);
    const schema = answer.schemas.t;
    const columns = [...tableColumnsOf(await loadSnapshot(lake.store.objects, ROOT)), ...PARTITION_FIELDS];
    expect(structGaps(schema?.fields ?? [], columns, '')).toEqual([]);
  });

  it('reports the field the second hour added', async () => {
    // Act
    const units = await committedUnits(lake.store.objects, TOPIC.name);

    // Assess
    expect(units.map((unit) => unit.hour)).toEqual(['2026-11-21T12:00:00.000Z', '2026-11-21T13:00:00.000Z']);
    expect(units[1]?.changes).toContainEqual(
      expect.objectContaining({ path: 'user.plan', change: 'added', detail: 'string' }),
    );
  });
});

describe('Types of the table against Spark’s own JSON inference on the same raw objects', () => {
  it('has no column or nested field as JSON text where Spark finds a struct, a list or a scalar', async () => {
    // Prepare
    const lake = await openLake('fs');
    try {
      await twoHoursCompacted(lake);

      // Act
      const inferred = await readers.spark('SELECT count(*) AS rows FROM raw', [
        {
          name: 'raw',
          format: 'json',
          path: join(lake.where, 'raw', TOPIC.name),
          options: { recursiveFileLookup: 'true' },
        },
      ]);

      // Assess: the envelope's body spreads into the table's columns
      const body = inferred.schemas.raw?.fields.find((field) => field.name === 'body')?.type;
      expect(typeof body === 'object' && body.type === 'struct').toBe(true);
      const columns = tableColumnsOf(await loadSnapshot(lake.store.objects, ROOT));
      expect(
        structGaps(typeof body === 'object' && body.type === 'struct' ? body.fields : [], columns, ''),
      ).toEqual([]);
      expect(inferred.rows).toEqual([{ rows: 2 * EVENTS_PER_HOUR }]);
    } finally {
      await lake.close();
    }
  });
});

describe('Spark with Delta, of a table typed by registry writer schemas', () => {
  it('reads Avro timestamps and decimals as such, and version 2’s field, added by a later unit, null for version 1’s rows', async () => {
    // Prepare: hour 12 holds orders of schema version 1, hour 13 of version 2, which adds `channel`
    const topic = topicConfig({
      name: 'orders',
      jsonl: { envelope: true },
      registry: { kind: 'confluent', url: 'http://registry.invalid' },
    });
    const registry = topic.registry;
    if (registry === undefined) throw new Error('the topic has no registry');
    const source: SchemaSource = async (id) => {
      const version = Number(id) as SchemaVersion;
      return {
        format: 'avro',
        definition: orderAvroSchema(version),
        references: [],
        subject: 'orders-value',
        version,
      };
    };
    const lake = await openLake('fs');
    let now = at(12, 0);
    const context: CaptureContext = {
      topic,
      store: lake.store,
      clock: () => now,
      decoder: createRecordDecoder(topic.name, registry, source),
    };
    const produced = ([1, 2] as const).flatMap((version) =>
      orders('orders', 6, version).map((order) => ({ order, version })),
    );
    try {
      for (const [index, { order, version }] of produced.entries()) {
        now = at(11 + version, index % 6, 30);
        const payload = avro.Type.forSchema(JSON.parse(orderAvroSchema(version))).toBuffer(
          avroOrderValue(order, version),
        );
        const frame = Buffer.alloc(5);
        frame.writeUInt32BE(version, 1);
        await ingestBatch(context, [
          makeRecord({
            position: index,
            brokerTime: now,
            key: Buffer.from(order.id),
            body: Buffer.concat([frame, payload]),
          }),
        ]);
      }
      now = at(14, 10);
      await sealIdlePartitions(context);

      // Act
      await compactClosedHours(context, { lookbackHours: 3 });
      const path = join(lake.where, tableRootOf(topic.name));
      const answer = await readers.spark(
        `SELECT _key, createdAt, CAST(amount AS STRING) AS amount, customer.tier AS tier, note, channel FROM t`,
        [{ name: 't', format: 'delta', path }],
      );
      const history = await readers.spark(`DESCRIBE HISTORY delta.\`${path}\``);

      // Assess
      const types = Object.fromEntries(
        (answer.schemas.t?.fields ?? []).map((field) => [field.name, JSON.stringify(field.type)]),
      );
      expect(types).toMatchObject({
        createdAt: '"timestamp"',
        amount: '"decimal(12,2)"',
        customer: JSON.stringify({
          type: 'struct',
          fields: [
            { name: 'name', type: 'string', nullable: true, metadata: {} },
            { name: 'tier', type: 'string', nullable: true, metadata: {} },
          ],
        }),
      });
      const byKey = new Map(answer.rows.map((row) => [row._key, row]));
      expect(byKey.size).toBe(produced.length);
      for (const { order, version } of produced) {
        expect(byKey.get(order.id)).toEqual({
          _key: order.id,
          createdAt: new Date(order.createdAtMs).toISOString().replace('Z', '000Z'),
          amount: order.amount,
          tier: order.customer.tier,
          note: order.note ?? null,
          channel: version === 2 ? (order.channel ?? null) : null,
        });
      }
      const operations = history.rows
        .sort((a, b) => Number(a.version) - Number(b.version))
        .map((row) => row.operation);
      expect(operations).toEqual(['CREATE TABLE', 'WRITE', 'ADD COLUMNS', 'WRITE']);
    } finally {
      await lake.close();
    }
  });
});
