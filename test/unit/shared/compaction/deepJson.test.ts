import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan, stringifyDeep } from '../../../../shared/compaction/deepJson.js';

const nested = (depth: number) => JSON.parse(`${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}`) as unknown;

describe('Function: stringifyDeep', () => {
  it('writes the same text as JSON.stringify for any parsed JSON value', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const value = JSON.parse(text) as unknown;
        expect(stringifyDeep(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes bigints, integers too long for a double, as their digits', () => {
    // Act
    const written = stringifyDeep({ id: 1234567890123456789n, list: [-(2n ** 70n)] });

    // Assess
    expect(written).toBe('{"id":1234567890123456789,"list":[-1180591620717411303424]}');
  });

  it('writes values nested far deeper than JSON.stringify can', () => {
    // Prepare
    const text = `${'[{"a":'.repeat(50_000)}1${'}]'.repeat(50_000)}`;

    // Act
    const written = stringifyDeep(JSON.parse(text));

    // Assess
    expect(() => JSON.stringify(JSON.parse(text))).toThrow(RangeError);
    expect(written).toBe(text);
  });
});

describe('Function: nestsDeeperThan', () => {
  it('counts arrays and objects as levels, scalars as none', () => {
    expect(nestsDeeperThan(1, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan(nested(5), 10)).toBe(false);
    expect(nestsDeeperThan(nested(5), 9)).toBe(true);
    expect(nestsDeeperThan({ shallow: [1], deep: nested(3) }, 7)).toBe(false);
    expect(nestsDeeperThan({ shallow: [1], deep: nested(3) }, 6)).toBe(true);
  });
});
