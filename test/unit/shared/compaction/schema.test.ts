import { describe, expect, it } from 'vitest';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import type { DeclaredBody } from '../../../../shared/compaction/registryColumns/declaredTypes.js';
import { createRowShaper } from '../../../../shared/compaction/rowShaper.js';
import { type JsonRow, SchemaObserver } from '../../../../shared/compaction/schema.js';
import { evolveTable, RESCUE_COLUMN } from '../../../../shared/compaction/tableEvolution.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { type DataType, LONG, STRING, TIMESTAMP, typeName } from '../../../../shared/tables/dataType.js';
import { committedUnits, readCompactedValues } from '../../../helpers/compactedLake.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { freshFsStore } from '../../../helpers/freshStores.js';

const struct = (fields: Record<string, DataType>): DataType => ({
  kind: 'struct',
  fields: Object.entries(fields).map(([name, type]) => ({ name, type })),
});
const at = (minute: number) => Date.UTC(2026, 10, 21, 12, minute);

/** Bodies whose shape changes through the hour, in delivery order. */
const BODIES: unknown[] = [
  { id: 1, price: 5, ok: true, user: { country: 'BR' } },
  { id: 2, price: 5.5, note: 'a field added mid-hour', user: { country: 'DE', device: 'mobile' } },
  { id: 'x3', price: 7, meta: { source: 'web', depth: { level: 2 } }, user: 'anonymous' },
  {
    id: 4,
    tags: ['a', { b: 2 }, null],
    meta: { source: null },
    items: [
      { sku: 'A', n: 1 },
      { sku: 'B', n: 2.5 },
    ],
  },
  { _position: 'a body field named like a metadata column', ok: false, Date: '2026-11-21' },
  [1, 'two', { three: 3 }],
];

function columnsOf(rows: Record<string, unknown>[]): Record<string, string> {
  const observer = new SchemaObserver();
  for (const row of rows) observer.observe(row, {});
  return Object.fromEntries(observer.resolve().columns.map((column) => [column.name, typeName(column.type)]));
}

describe('Class: SchemaObserver', () => {
  it('types objects as structs of every field seen and arrays as lists of their unified elements', () => {
    // Act
    const columns = columnsOf([
      { user: { id: 'u1', loggedIn: true }, order: { items: [{ sku: 'A', quantity: 1 }] } },
      {
        user: { id: 'u2', country: 'BR' },
        order: { items: [{ sku: 'B', quantity: 2, unitPrice: 9.5 }, null] },
      },
    ]);

    // Assess
    expect(columns).toMatchObject({
      user: 'struct<id:string,loggedIn:boolean,country:string>',
      order: 'struct<items:array<struct<sku:string,quantity:long,unitPrice:double>>>',
    });
  });

  it('keeps only the path whose values conflict as JSON text, never its whole column', () => {
    // Act
    const observer = new SchemaObserver();
    observer.observe({ user: { id: 1, profile: { age: 3 } } }, {});
    observer.observe({ user: { id: 2, profile: 'private' } }, {});
    const schema = observer.resolve();

    // Assess
    const user = schema.columns.find((column) => column.name === 'user');
    expect(typeName(user?.type ?? { kind: 'string' })).toBe('struct<id:long,profile:json>');
    expect(schema.notes).toContainEqual(
      expect.objectContaining({
        path: 'user.profile',
        change: 'kept-as-json',
        detail: expect.stringContaining('string and object'),
      }),
    );
  });

  it('widens integers to double where fractions appear, and says so', () => {
    // Act
    const observer = new SchemaObserver();
    observer.observe({ amount: { value: 5 } }, {});
    observer.observe({ amount: { value: 5.5 } }, {});
    const schema = observer.resolve();

    // Assess
    expect(
      typeName(schema.columns.find((column) => column.name === 'amount')?.type ?? { kind: 'string' }),
    ).toBe('struct<value:double>');
    expect(schema.notes).toContainEqual(expect.objectContaining({ path: 'amount.value', change: 'widened' }));
  });

  it.each([
    ['integers past 2^53 within 64 bits', [9007199254740993n, -(2n ** 63n), 7], 'long', false],
    ['integers beyond 64 bits, with longs', [2n ** 64n, 7], 'decimal(20,0)', false],
    ['integers of 25 digits', [10n ** 24n], 'decimal(25,0)', false],
    ['integers of more than 38 digits', [10n ** 38n, 1], 'json', false],
    ['integers past 2^53 meeting fractions', [9007199254740993n, 0.5], 'double', true],
    ['integers beyond 64 bits meeting fractions', [2n ** 64n, 0.5], 'double', true],
  ])('types %s as %s, rescuing: %s, so no integer is rounded', (_what, values, type, rescues) => {
    // Act
    const observer = new SchemaObserver();
    for (const id of values) observer.observe({ id }, {});
    const schema = observer.resolve();

    // Assess
    expect(typeName(schema.columns.find((column) => column.name === 'id')?.type ?? STRING)).toBe(type);
    expect(schema.rescues).toBe(rescues);
  });

  it('names the paths whose integers go beyond 2^53, inferred or declared, for a table that has double there', () => {
    // Prepare
    const declared: DeclaredBody = { fields: new Map([['ref', LONG]]), declaredBy: 'confluent schema 1' };
    const observer = new SchemaObserver();

    // Act
    observer.observe({ order: { items: [{ id: 2n ** 60n, n: 1 }] }, count: 3 }, {});
    observer.observe({ ref: 2n ** 62n }, { ref: 'body.ref' }, declared);
    const schema = observer.resolve();

    // Assess
    expect([...schema.beyondDouble].sort()).toEqual(['order.items[].id', 'ref']);
  });

  it.each([
    ['only nulls', [{ gone: null }, { gone: null }], 'only-nulls'],
    ['only empty objects', [{ empty: {} }, { empty: { inner: null } }], 'only-empty-objects'],
  ])('makes no column of a field with %s, as Spark does, and says so', (_what, rows, change) => {
    // Act
    const observer = new SchemaObserver();
    for (const row of rows) observer.observe(row, {});
    const schema = observer.resolve();

    // Assess
    expect(schema.columns.map((column) => column.name)).toEqual([
      '_partition',
      '_generation',
      '_offset',
      '_position',
      '_timestamp',
    ]);
    expect(schema.notes).toContainEqual(expect.objectContaining({ change }));
  });

  it('makes no column of a list seen only empty, where Spark would guess strings, so its elements can be typed when they come', () => {
    // Act
    const observer = new SchemaObserver();
    observer.observe({ tags: [], pairs: [[]] }, {});
    observer.observe({ tags: [null], pairs: [[], null] }, {});
    const schema = observer.resolve();

    // Assess
    expect(schema.columns.map((column) => column.name)).not.toContain('tags');
    expect(schema.columns.map((column) => column.name)).not.toContain('pairs');
    expect(schema.notes).toContainEqual(
      expect.objectContaining({ path: 'tags', change: 'only-empty-lists' }),
    );
  });

  it('rescues a key equal to another but for case instead of making a column Delta cannot tell apart', () => {
    // Act
    const observer = new SchemaObserver();
    observer.observe({ user: { id: 'a' } }, {});
    observer.observe({ user: { ID: 'b' } }, {});
    const schema = observer.resolve();

    // Assess
    expect(schema.rescues).toBe(true);
    expect(schema.notes).toContainEqual(expect.objectContaining({ path: 'user.ID', change: 'name-clash' }));
  });

  it('gives a unit with declared columns the rescue column, where a value its declared type cannot hold is kept', () => {
    // Prepare: a uint64 past int64 under a schema declaring a long, and a row without a writer schema
    const declared: DeclaredBody = { fields: new Map([['count', LONG]]), declaredBy: 'confluent schema 1' };
    const rows = [{ count: 2n ** 64n - 1n }, { count: 'n/a' }, { count: 7 }];
    const observer = new SchemaObserver();
    observer.observe(rows[0] as JsonRow, { count: 'body.count' }, declared);
    observer.observe(rows[1] as JsonRow, { count: 'body.count' });
    observer.observe(rows[2] as JsonRow, { count: 'body.count' }, declared);

    // Act: the columns the unit's files get, and its rows shaped as compaction shapes them
    const schema = observer.resolve();
    const { columns } = evolveTable([], schema.columns, schema.rescues);
    const shaper = createRowShaper(columns, { strict: true });
    for (const row of rows) shaper.add(row as JsonRow);

    // Assess
    expect(columns.map((column) => column.name)).toContain(RESCUE_COLUMN);
    const { columns: values } = shaper.take();
    const at = (name: string) => values[columns.findIndex((column) => column.name === name)];
    expect(at('count')).toEqual([null, null, 7n]);
    expect(shaper.rescuedRows()).toBe(2);
    expect(JSON.stringify(at(RESCUE_COLUMN)?.[1])).toBe('{"/count":"n/a"}');
  });

  it('takes a body field’s type from the writer schema its row names, unified over the unit’s schema versions, and infers the rest', () => {
    // Prepare: version 1 declares `at`, version 2 also `channel`; `extra` no schema declares
    const version = (fields: Record<string, DataType>, id: string): DeclaredBody => ({
      fields: new Map(Object.entries(fields)),
      declaredBy: `confluent schema ${id}`,
    });
    const v1 = version({ at: TIMESTAMP, customer: struct({ name: STRING }) }, '1');
    const v2 = version(
      { at: TIMESTAMP, customer: struct({ name: STRING, tier: STRING }), channel: STRING },
      '2',
    );
    const sources = {
      at: 'body.at',
      customer: 'body.customer',
      channel: 'body.channel',
      extra: 'body.extra',
    };
    const observer = new SchemaObserver();

    // Act
    observer.observe({ at: '2026-11-21T12:00:00.000Z', customer: { name: 'Ada' }, extra: 1 }, sources, v1);
    observer.observe(
      { at: '2026-11-21T12:00:01.000Z', customer: { name: 'Bo', tier: 'GOLD' }, channel: null },
      sources,
      v2,
    );
    observer.observe({ at: 'not a time', extra: 2.5 }, sources);
    const schema = observer.resolve();

    // Assess: a declared type is the column's even where values without a schema disagree
    expect(
      Object.fromEntries(schema.columns.map((column) => [column.name, typeName(column.type)])),
    ).toMatchObject({
      at: 'timestamp',
      customer: 'struct<name:string,tier:string>',
      extra: 'double',
      channel: 'string',
    });
    expect(schema.sources).toMatchObject({
      at: 'body.at, typed by confluent schema 1',
      channel: 'body.channel, typed by confluent schema 2',
      extra: 'body.extra',
    });
  });
});

describe('Function: compactClosedHours (schema inference)', () => {
  it('gives every value back when fields are added, change type, nest and turn into arrays mid-hour', async () => {
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
    const [unit] = await committedUnits(store.objects, 'orders');
    const types = Object.fromEntries((unit?.columns ?? []).map((column) => [column.name, column.type]));
    expect(types).toMatchObject({
      id: 'json',
      price: 'double',
      ok: 'boolean',
      note: 'string',
      user: 'json',
      meta: 'struct<source:string,depth:struct<level:long>>',
      tags: 'array<json>',
      items: 'array<struct<sku:string,n:double>>',
      _body: 'array<json>',
      body__position: 'string',
      body_Date: 'string',
    });
    expect(unit?.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'id', change: 'kept-as-json' }),
        expect.objectContaining({ path: 'price', change: 'widened' }),
        expect.objectContaining({ path: 'note', change: 'added-later' }),
      ]),
    );
    expect(summary.schemaChanges).toBe(unit?.changes.length);
    const rows = await readCompactedValues(store.objects, 'orders');
    const bodies = new Map(
      rows.map((row) => {
        const {
          _partition,
          _generation,
          _offset,
          _position,
          _timestamp,
          _key,
          _headers,
          _system_properties,
          _body,
          ...fields
        } = row;
        const body =
          _body ??
          Object.fromEntries(
            Object.entries(fields).map(([name, value]) => [name.replace(/^body_/, ''), value]),
          );
        return [Number(_position), body];
      }),
    );
    expect([...bodies.keys()].sort()).toEqual(BODIES.map((_, position) => position));
    // A struct cannot tell an absent field from a null one: each body comes back with its nulls.
    expect(bodies.get(0)).toEqual(BODIES[0]);
    expect(bodies.get(1)).toEqual(BODIES[1]);
    expect(bodies.get(2)).toEqual({ ...(BODIES[2] as object), meta: { source: 'web', depth: { level: 2 } } });
    expect(bodies.get(3)).toEqual({ ...(BODIES[3] as object), meta: { source: null, depth: null } });
    expect(bodies.get(4)).toEqual(BODIES[4]);
    expect(bodies.get(5)).toEqual(BODIES[5]);
  });
});
