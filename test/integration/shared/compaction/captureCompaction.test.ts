import { describe, expect, it } from 'vitest';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import type { TopicConfigInput } from '../../../../shared/config/schema.js';
import { openCaptureContainer } from '../../../../shared/encode/captureReader.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import type { CaptureRecord } from '../../../../shared/record.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { committedUnits, readCompactedValues, unlistedParquetFiles } from '../../../helpers/compactedLake.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { FRESH_STORES, freshFsStore } from '../../../helpers/freshStores.js';

const at = (hour: number, minute: number, second = 0) => Date.UTC(2026, 10, 21, hour, minute, second);
const PARTITIONS = ['0', '1', '10'];
const NAMESPACE = 'contoso-ingest';

/** Bodies of every kind compaction keeps: JSON objects whose fields vary, other JSON, text, bytes, nothing. */
function bodyOf(partition: string, position: number): Buffer {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  switch (position % 6) {
    case 0:
      return json({ order: `${partition}-${position}`, amount: position * 10 });
    case 1:
      return json({ order: `${partition}-${position}`, amount: position + 0.5, note: 'added later' });
    case 2:
      return json([position, 'two', { three: 3 }]);
    case 3:
      return Buffer.from(`plain text ${partition}/${position}`);
    case 4:
      return Buffer.from([0xff, 0xfe, position]);
    default:
      return Buffer.alloc(0);
  }
}

/** What a reader of the compacted hour must find for the record at this position. */
function expectedRow(partition: string, position: number, brokerTime: number): Record<string, unknown> {
  const bodyColumns: Record<number, Record<string, unknown>> = {
    0: { order: `${partition}-${position}`, amount: position * 10 },
    1: { order: `${partition}-${position}`, amount: position + 0.5, note: 'added later' },
    2: { _body: [position, 'two', { three: 3 }] },
    3: { _body_text: `plain text ${partition}/${position}` },
    4: { _body_base64: Buffer.from([0xff, 0xfe, position]).toString('base64') },
    5: { _body_text: '' },
  };
  const keys = [`device-${position}`, { base64: 'wyg=' }, undefined];
  return {
    _partition: partition,
    _generation: 0,
    _position: position,
    _offset: String(4294967296 + position * 512),
    _timestamp: brokerTime,
    _key: keys[position % 3],
    _headers: [
      { name: 'tenant', value: 'contoso' },
      { name: 'attempt', value: position },
      { name: 'ratio', value: 0.25 },
      { name: 'trace', value: null },
      { name: 'raw', value: { base64: Buffer.from([0xff, position]).toString('base64') } },
    ],
    _system_properties: { 'x-opt-publisher': `sender-${partition}` },
    ...bodyColumns[position % 6],
  };
}

function harness(store: CaptureStore, overrides: Partial<TopicConfigInput>) {
  let now = at(12, 0);
  const topic = topicConfig({ name: 'telemetry', format: 'avro-capture', ...overrides });
  const context: CaptureContext = { topic, store, clock: () => now };
  const nextPosition = new Map<string, number>();
  const expected = new Map<string, Record<string, unknown>>();
  return {
    context,
    expected,
    /** Delivers `perPartition` Event Hubs-like records for each partition, timed within the minute. */
    async deliver(partitions: readonly string[], hour: number, minute: number, perPartition: number) {
      now = Math.max(now, at(hour, minute, 30));
      const records: CaptureRecord[] = partitions.flatMap((partition) =>
        Array.from({ length: perPartition }, (_, index) => {
          const position = nextPosition.get(partition) ?? 0;
          nextPosition.set(partition, position + 1);
          const brokerTime = at(hour, minute, index) + 123;
          expected.set(`${partition}/${position}`, expectedRow(partition, position, brokerTime));
          return makeRecord({
            topic: 'telemetry',
            partition,
            position,
            offset: String(4294967296 + position * 512),
            brokerTime,
            key: [Buffer.from(`device-${position}`), Buffer.from([0xc3, 0x28]), null][position % 3] ?? null,
            headers: [
              { name: 'tenant', value: 'contoso' },
              { name: 'attempt', value: position },
              { name: 'ratio', value: 0.25 },
              { name: 'trace', value: null },
              { name: 'raw', value: Buffer.from([0xff, position]) },
            ],
            systemProperties: { 'x-opt-publisher': `sender-${partition}`, 'x-opt-sequence-number': position },
            body: bodyOf(partition, position),
          });
        }),
      );
      await ingestBatch(context, records);
    },
    async sealAt(time: number) {
      now = time;
      await sealIdlePartitions(context);
    },
  };
}

/** `partition/position` → the row's values as a reader gets them; a record read twice fails the test. */
async function compactedRows(store: CaptureStore): Promise<Map<string, Record<string, unknown>>> {
  const rows = new Map<string, Record<string, unknown>>();
  for (const row of await readCompactedValues(store.objects, 'telemetry')) {
    const values: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) {
      if (value === null) continue;
      values[column] =
        typeof value === 'bigint' ? Number(value) : value instanceof Date ? value.getTime() : value;
    }
    const key = `${values._partition}/${values._position}`;
    expect(rows.has(key), `${key} twice`).toBe(false);
    rows.set(key, values);
  }
  return rows;
}

/** Without the columns a row leaves null. */
function present(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
}

const LAYOUTS: [string, string, Partial<TopicConfigInput>][] = [
  [
    'the capture layout',
    'null',
    { layout: 'capture', capture: { namespace: NAMESPACE }, compression: 'none' },
  ],
  [
    'a Capture format with the partition in the file name',
    'deflate',
    {
      layout: '{Year}/{Month}/{Day}/{Namespace}_{EventHub}_{PartitionId}_{Hour}{Minute}{Second}',
      capture: { namespace: NAMESPACE },
      compression: 'gzip',
    },
  ],
  ['the hive layout', 'deflate', { layout: 'hive', compression: 'gzip' }],
];

describe.each(FRESH_STORES)(
  'Function: compactClosedHours of an avro-capture topic on %s',
  (_name, freshStore) => {
    it.each(LAYOUTS)(
      'compacts %s (codec %s) by partition group into Parquet that DuckDB reads as every record once, a late object and bodies that are not JSON included',
      async (_layout, codec, overrides) => {
        // Prepare: partitions 1 and 10 share their leading digit, and the groups split them
        const store = await freshStore();
        const lake = harness(store, overrides);
        await lake.deliver(PARTITIONS, 12, 10, 4);
        await lake.deliver(PARTITIONS, 12, 40, 3);
        await lake.sealAt(at(13, 5));

        // Act
        const one = await compactClosedHours(lake.context, { partitions: ['1'], lookbackHours: 2 });
        const others = await compactClosedHours(lake.context, { partitions: ['0', '10'], lookbackHours: 2 });
        // a record of 12:10 for partition 1 arrives after its minute was sealed: a late object
        await lake.deliver(['1'], 12, 10, 1);
        await lake.sealAt(at(13, 30));
        const late = await compactClosedHours(lake.context, { partitions: ['1'], lookbackHours: 2 });
        const none = await compactClosedHours(lake.context, { partitions: ['0', '10'], lookbackHours: 2 });

        // Assess
        expect(one).toMatchObject({ hoursCompacted: 1, rowsWritten: 7, rawObjectsRead: 2 });
        expect(others).toMatchObject({ hoursCompacted: 1, rowsWritten: 14, rawObjectsRead: 4 });
        expect(late).toMatchObject({ hoursCompacted: 1, rowsWritten: 1, rawObjectsRead: 1 });
        expect(none).toMatchObject({ hoursCompacted: 0, rawObjectsRead: 0 });
        const units = await committedUnits(store.objects, 'telemetry');
        const covered = units.flatMap((unit) =>
          unit.rawObjects.map((object) => `${unit.group} ${object.partition}`),
        );
        expect(new Set(covered)).toEqual(new Set(['p1 1', 'p0.10 0', 'p0.10 10']));
        const lateUnit = units.find((unit) => unit.group === 'p1' && unit.sequence === 1);
        expect(lateUnit?.rawObjects.map((object) => object.path)).toEqual([
          expect.stringMatching(/-00000000000000000007\.late\.avro$/),
        ]);
        for (const object of units.flatMap((unit) => unit.rawObjects)) {
          expect(openCaptureContainer(await store.objects.read(object.path), object.path).codec).toBe(codec);
        }
        const rows = await compactedRows(store);
        expect([...rows.keys()].sort()).toEqual([...lake.expected.keys()].sort());
        for (const [key, row] of lake.expected) expect(rows.get(key), key).toEqual(present(row));
        expect(await unlistedParquetFiles(store.objects, 'telemetry')).toEqual([]);
      },
    );

    it('reports where the columns of Capture fields and of bodies that are not JSON come from', async () => {
      // Prepare
      const store = await freshStore();
      const lake = harness(store, { layout: 'capture', capture: { namespace: NAMESPACE } });
      await lake.deliver(['0'], 12, 10, 6);
      await lake.sealAt(at(13, 5));

      // Act
      await compactClosedHours(lake.context, { lookbackHours: 2 });

      // Assess
      const [unit] = await committedUnits(store.objects, 'telemetry');
      const columns = Object.fromEntries(
        (unit?.columns ?? []).map(({ name, type, source }) => [name, { type, source }]),
      );
      expect(columns).toMatchObject({
        _position: { type: 'long' },
        _timestamp: { type: 'timestamp' },
        _key: { type: 'json', source: 'SystemProperties.x-opt-partition-key' },
        _headers: { type: 'array<struct<name:string,value:json>>', source: 'Properties' },
        _system_properties: { type: 'struct<x-opt-publisher:string>', source: 'SystemProperties' },
        order: { type: 'string', source: 'body.order' },
        amount: { type: 'double', source: 'body.amount' },
        _body: { type: 'array<json>', source: 'body' },
        _body_text: { type: 'string', source: 'Body, not JSON: its UTF-8 text' },
        _body_base64: { type: 'string', source: 'Body, neither JSON nor UTF-8: its bytes in base64' },
      });
    });
  },
);

describe('Function: compactClosedHours of a JSON-lines topic with a Capture layout', () => {
  it('lists the hour by Capture names as it does for Avro, the late object included', async () => {
    // Prepare
    const store = await freshFsStore();
    let now = at(12, 10, 30);
    const topic = topicConfig({
      name: 'telemetry',
      layout: 'capture',
      capture: { namespace: NAMESPACE },
      jsonl: { envelope: true },
    });
    const context: CaptureContext = { topic, store, clock: () => now };
    const record = (partition: string, position: number) =>
      makeRecord({ topic: 'telemetry', partition, position, brokerTime: at(12, 10, position) });
    await ingestBatch(context, [record('1', 0), record('1', 1), record('10', 0)]);
    now = at(13, 5);
    await sealIdlePartitions(context);
    await ingestBatch(context, [record('1', 2)]);
    now = at(13, 30);
    await sealIdlePartitions(context);

    // Act
    const summary = await compactClosedHours(context, { lookbackHours: 2 });

    // Assess
    expect(summary).toMatchObject({ hoursCompacted: 1, rowsWritten: 4, rawObjectsRead: 3 });
    const [unit] = await committedUnits(store.objects, 'telemetry');
    expect(unit?.rawObjects.map((object) => [object.partition, object.path])).toEqual([
      ['1', 'raw/contoso-ingest/telemetry/1/2026/11/21/12/10/00-00000000000000000002.late.jsonl.gz'],
      ['1', 'raw/contoso-ingest/telemetry/1/2026/11/21/12/10/00.jsonl.gz'],
      ['10', 'raw/contoso-ingest/telemetry/10/2026/11/21/12/10/00.jsonl.gz'],
    ]);
  });
});
