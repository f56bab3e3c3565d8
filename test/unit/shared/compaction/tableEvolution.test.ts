import { describe, expect, it } from 'vitest';
import { evolveTable, fileColumnsOf, RESCUE_COLUMN } from '../../../../shared/compaction/tableEvolution.js';
import {
  DOUBLE,
  INTEGER,
  LONG,
  STRING,
  type StructField,
  typeName,
} from '../../../../shared/tables/dataType.js';

const struct = (fields: StructField[]) => ({ kind: 'struct' as const, fields });
const decimal = (precision: number, scale: number) => ({ kind: 'decimal' as const, precision, scale });
const names = (columns: readonly StructField[]) =>
  columns.map((column) => `${column.name}:${typeName(column.type)}`);

describe('Function: evolveTable', () => {
  it('adds columns and nested fields the table lacks, after the ones it has, and reports each', () => {
    // Prepare
    const table = [{ name: 'user', type: struct([{ name: 'id', type: STRING }]) }];
    const unit = [
      {
        name: 'user',
        type: struct([
          { name: 'id', type: STRING },
          { name: 'plan', type: STRING },
        ]),
      },
      { name: 'amount', type: LONG },
    ];

    // Act
    const evolution = evolveTable(table, unit, false);

    // Assess
    expect(names(evolution.columns)).toEqual(['user:struct<id:string,plan:string>', 'amount:long']);
    expect(evolution.changes).toEqual([
      { path: 'user.plan', change: 'added', detail: 'string' },
      { path: 'amount', change: 'added', detail: 'long' },
    ]);
    expect(evolution.rescues).toBe(false);
  });

  it.each([
    ['long where the table has double', DOUBLE, LONG, false],
    ['double where the table has long', LONG, DOUBLE, true],
    ['the same decimal', decimal(12, 2), decimal(12, 2), false],
    ['another decimal', decimal(12, 2), decimal(14, 4), true],
    ['a registry int where the table has long', LONG, INTEGER, false],
    ['long where the table has decimal(20,0) (integers once beyond 64 bits)', decimal(20, 0), LONG, false],
    ['a narrower decimal', decimal(20, 0), decimal(19, 0), false],
    ['long where the table has a decimal too narrow for every long', decimal(18, 0), LONG, true],
    ['integers beyond 64 bits where the table has long', LONG, decimal(20, 0), true],
    ['a string where the table has a struct', struct([{ name: 'id', type: STRING }]), STRING, true],
    [
      'anything where the table has JSON text',
      { kind: 'json' as const },
      struct([{ name: 'x', type: LONG }]),
      false,
    ],
  ])('never changes a committed type: %s rescues: %s', (_what, tableType, unitType, rescues) => {
    // Act
    const evolution = evolveTable(
      [{ name: 'value', type: tableType }],
      [{ name: 'value', type: unitType }],
      false,
    );

    // Assess
    expect(evolution.columns[0]?.type).toEqual(tableType);
    expect(evolution.rescues).toBe(rescues);
    expect(evolution.columns.some((column) => column.name === RESCUE_COLUMN)).toBe(rescues);
  });

  it('rescues where the table has double only when the unit’s integers there go beyond 2^53', () => {
    // Prepare
    const table = [{ name: 'order', type: struct([{ name: 'amount', type: DOUBLE }]) }];
    const unit = [{ name: 'order', type: struct([{ name: 'amount', type: LONG }]) }];

    // Act
    const small = evolveTable(table, unit, false, new Set(['order.other']));
    const wide = evolveTable(table, unit, false, new Set(['order.amount']));

    // Assess
    expect(small.rescues).toBe(false);
    expect(wide.rescues).toBe(true);
    expect(names(wide.columns)).toEqual(['order:struct<amount:double>', `${RESCUE_COLUMN}:json`]);
    expect(wide.changes).toContainEqual(expect.objectContaining({ path: 'order.amount', change: 'rescued' }));
  });

  it('rescues a field whose name the table has in other letter case, as Delta cannot tell them apart', () => {
    // Act
    const evolution = evolveTable([{ name: 'Id', type: STRING }], [{ name: 'id', type: STRING }], false);

    // Assess
    expect(evolution.rescues).toBe(true);
    expect(evolution.changes).toContainEqual(expect.objectContaining({ path: 'id', change: 'rescued' }));
  });
});

describe('Function: evolveTable with type promotion (Iceberg)', () => {
  const table = [
    { name: 'count', type: INTEGER },
    { name: 'amount', type: decimal(10, 2) },
    { name: 'order', type: struct([{ name: 'lines', type: INTEGER }]) },
  ];

  it('promotes int to long and a decimal to a greater precision at its scale, nested too, and reports each', () => {
    // Prepare
    const unit = [
      { name: 'count', type: LONG },
      { name: 'amount', type: decimal(14, 2) },
      { name: 'order', type: struct([{ name: 'lines', type: LONG }]) },
    ];

    // Act
    const evolution = evolveTable(table, unit, false, new Set(), true);

    // Assess
    expect(names(evolution.columns)).toEqual([
      'count:long',
      'amount:decimal(14,2)',
      'order:struct<lines:long>',
    ]);
    expect(evolution.changes).toEqual([
      { path: 'count', change: 'widened', detail: 'integer to long' },
      { path: 'amount', change: 'widened', detail: 'decimal(10,2) to decimal(14,2)' },
      { path: 'order.lines', change: 'widened', detail: 'integer to long' },
    ]);
    expect(evolution.rescues).toBe(false);
  });

  it('rescues what the spec does not promote: int to double, a decimal’s scale, a string', () => {
    // Prepare
    const unit = [
      { name: 'count', type: DOUBLE },
      { name: 'amount', type: decimal(12, 4) },
      { name: 'order', type: struct([{ name: 'lines', type: STRING }]) },
    ];

    // Act
    const evolution = evolveTable(table, unit, false, new Set(), true);

    // Assess
    expect(names(evolution.columns)).toEqual([
      'count:integer',
      'amount:decimal(10,2)',
      'order:struct<lines:integer>',
      `${RESCUE_COLUMN}:json`,
    ]);
    expect(
      evolution.changes.filter((change) => change.change === 'rescued').map((change) => change.path),
    ).toEqual(['count', 'amount', 'order.lines']);
  });

  it('keeps a Delta table’s types and rescues the values instead, as without promotion', () => {
    // Act
    const evolution = evolveTable(table, [{ name: 'count', type: LONG }], false);

    // Assess
    expect(names(evolution.columns)).toEqual([
      'count:integer',
      'amount:decimal(10,2)',
      'order:struct<lines:integer>',
      `${RESCUE_COLUMN}:json`,
    ]);
    expect(evolution.changes[0]).toMatchObject({ path: 'count', change: 'rescued' });
  });
});

describe('Function: fileColumnsOf', () => {
  it('takes the table’s types and order for the unit’s paths only, and the rescue column when needed', () => {
    // Prepare
    const table = [
      { name: 'a', type: DOUBLE },
      {
        name: 'b',
        type: struct([
          { name: 'x', type: STRING },
          { name: 'y', type: LONG },
        ]),
      },
      { name: 'c', type: STRING },
    ];
    const unit = [
      { name: 'b', type: struct([{ name: 'y', type: LONG }]) },
      { name: 'a', type: LONG },
    ];

    // Act
    const columns = fileColumnsOf(table, unit, true);

    // Assess
    expect(names(columns)).toEqual(['a:double', 'b:struct<y:long>', `${RESCUE_COLUMN}:json`]);
  });
});
