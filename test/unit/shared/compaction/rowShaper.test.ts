import { describe, expect, it } from 'vitest';
import { createRowShaper } from '../../../../shared/compaction/rowShaper.js';
import { RESCUE_FIELD } from '../../../../shared/compaction/tableEvolution.js';
import { DATE, DOUBLE, JSON_TEXT, LONG, STRING, TIMESTAMP } from '../../../../shared/tables/dataType.js';

const ORDER = {
  name: 'order',
  type: {
    kind: 'struct' as const,
    fields: [
      { name: 'id', type: STRING },
      {
        name: 'items',
        type: {
          kind: 'array' as const,
          element: { kind: 'struct' as const, fields: [{ name: 'quantity', type: LONG }] },
        },
      },
    ],
  },
};

describe('Function: createRowShaper', () => {
  it('gives each value the form its type is written in: bigint for long, microseconds for timestamps, nested values as they nest', () => {
    // Prepare
    const shaper = createRowShaper([{ name: '_timestamp', type: TIMESTAMP }, ORDER], { strict: true });

    // Act
    shaper.add({ _timestamp: 1_795_262_400_000, order: { id: 'o1', items: [{ quantity: 2 }, null] } });
    const group = shaper.take();

    // Assess
    expect(group).toEqual({
      rows: 1,
      columns: [[1_795_262_400_000_000], [{ id: 'o1', items: [{ quantity: 2n }, null] }]],
    });
    expect(shaper.take().rows).toBe(0);
  });

  it('reads the text registry decoding writes into timestamps, dates, exact decimals and non-finite doubles, and rescues text that does not fit', () => {
    // Prepare
    const shaper = createRowShaper(
      [
        { name: 'at', type: TIMESTAMP },
        { name: 'day', type: DATE },
        { name: 'amount', type: { kind: 'decimal', precision: 5, scale: 2 } },
        { name: 'ratio', type: DOUBLE },
        RESCUE_FIELD,
      ],
      { strict: true },
    );

    // Act
    shaper.add({ at: '2026-11-21T12:00:01.234567Z', day: '2026-11-21', amount: '-123.4', ratio: 'NaN' });
    shaper.add({ at: '2026-11-21T13:00:01+01:00', day: '1969-12-31', amount: '0.00', ratio: '-Infinity' });
    shaper.add({ at: '2026-11-21T12:00:01.000000001Z', day: '2026-02-30', amount: '1234.5', ratio: 'many' });
    const { columns } = shaper.take();

    // Assess: microseconds and unscaled values as bigints, exact; what would need rounding is rescued
    expect(columns).toEqual([
      [1_795_262_401_234_567n, 1_795_262_401_000_000n, null],
      [20_778, -1, null],
      [-12_340n, 0n, null],
      [Number.NaN, Number.NEGATIVE_INFINITY, null],
      [
        null,
        null,
        {
          '/at': '2026-11-21T12:00:01.000000001Z',
          '/day': '2026-02-30',
          '/amount': '1234.5',
          '/ratio': 'many',
        },
      ],
    ]);
  });

  it('keeps every value that fits no type, and every unknown key, in the rescue column under its JSON Pointer', () => {
    // Prepare
    const shaper = createRowShaper([ORDER, RESCUE_FIELD], { strict: true });

    // Act
    shaper.add({
      order: { id: 7, items: [{ quantity: 1.5 }, { quantity: 3, 'a/b': true }] },
      extra: { x: 1 },
      gone: null,
    });
    const [order, rescued] = shaper.take().columns;

    // Assess
    expect(order).toEqual([{ items: [{}, { quantity: 3n }] }]);
    expect(rescued).toEqual([
      { '/order/id': 7, '/order/items/0/quantity': 1.5, '/order/items/1/a~1b': true, '/extra': { x: 1 } },
    ]);
    expect(shaper.rescuedRows()).toBe(1);
  });

  it('writes every 64-bit integer exactly into long, decimal and double columns, and rescues one that would change', () => {
    // Prepare
    const shaper = createRowShaper(
      [
        { name: 'id', type: LONG },
        { name: 'big', type: { kind: 'decimal', precision: 20, scale: 0 } },
        { name: 'ratio', type: DOUBLE },
        RESCUE_FIELD,
      ],
      { strict: true },
    );

    // Act
    shaper.add({ id: 1234567890123456789n, big: 18446744073709551615n, ratio: 2n ** 60n });
    shaper.add({ id: -(2n ** 63n), big: 7, ratio: 0.5 });
    shaper.add({ id: 2n ** 63n, big: 10n ** 20n, ratio: 2n ** 53n + 1n });
    const { columns } = shaper.take();

    // Assess: the third row's values are beyond a long, decimal(20,0) and a double's exact integers
    expect(columns.slice(0, 3)).toEqual([
      [1234567890123456789n, -(2n ** 63n), null],
      [18446744073709551615n, 7n, null],
      [2 ** 60, 0.5, null],
    ]);
    expect(JSON.stringify(columns[3])).toBe(
      '[null,null,{"/id":9223372036854775808,"/big":100000000000000000000,"/ratio":9007199254740993}]',
    );
  });

  it('keeps the digits of integers past 2^53 in JSON text columns', () => {
    // Prepare
    const shaper = createRowShaper([{ name: 'meta', type: JSON_TEXT }], { strict: true });

    // Act
    shaper.add({ meta: { ids: [1234567890123456789n, 'x'], n: 1 } });
    const [meta] = shaper.take().columns;

    // Assess: the Parquet writer stringifies the value as it is given
    expect(JSON.stringify(meta?.[0])).toBe('{"ids":[1234567890123456789,"x"],"n":1}');
  });

  it('fails a strict shaping that meets a misfit without a rescue column, and counts it otherwise', () => {
    // Prepare
    const strict = createRowShaper([{ name: 'n', type: LONG }], { strict: true });
    const probing = createRowShaper([{ name: 'n', type: LONG }], { strict: false });

    // Act
    probing.add({ n: 'not a number' });

    // Assess
    expect(() => strict.add({ n: 'not a number' })).toThrow('fits no column');
    expect(probing.misfits()).toBe(1);
  });
});
