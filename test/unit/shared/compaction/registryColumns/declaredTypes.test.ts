import { describe, expect, it } from 'vitest';
import { unifyDeclared } from '../../../../../shared/compaction/registryColumns/declaredTypes.js';
import {
  type DataType,
  DOUBLE,
  INTEGER,
  LONG,
  STRING,
  TIMESTAMP,
  typeName,
} from '../../../../../shared/tables/dataType.js';

const struct = (fields: Record<string, DataType>): DataType => ({
  kind: 'struct',
  fields: Object.entries(fields).map(([name, type]) => ({ name, type })),
});

describe('Function: unifyDeclared', () => {
  it.each([
    [
      'a field version 2 adds',
      struct({ id: STRING }),
      struct({ id: STRING, channel: STRING }),
      'struct<id:string,channel:string>',
    ],
    ['an int widened to a long', INTEGER, LONG, 'long'],
    ['a long widened to a double', LONG, DOUBLE, 'double'],
    [
      'lists of records that grew',
      { kind: 'array', element: struct({ a: LONG }) },
      { kind: 'array', element: struct({ b: TIMESTAMP }) },
      'array<struct<a:long,b:timestamp>>',
    ],
    ['a string and a record', STRING, struct({ id: STRING }), 'json'],
    ['fields equal but for case', struct({ id: STRING }), struct({ ID: STRING }), 'json'],
  ] as const)('unifies %s', (_what, a, b, expected) => {
    expect(typeName(unifyDeclared(a, b))).toBe(expected);
  });
});
