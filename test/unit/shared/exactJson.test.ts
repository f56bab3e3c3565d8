import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExactJson, withExactIntegers } from '../../../shared/exactJson.js';

describe('Function: parseExactJson', () => {
  it.each([
    ['a Snowflake id', '{"id":1234567890123456789}', { id: 1234567890123456789n }],
    ['2^53 + 1, which a double rounds to 2^53', '[9007199254740993]', [9007199254740993n]],
    ['the lowest int64', '{"a":{"b":-9223372036854775808}}', { a: { b: -9223372036854775808n } }],
    [
      'an integer beyond int64',
      '{"n":123456789012345678901234567890}',
      { n: 123456789012345678901234567890n },
    ],
    ['a bare integer line', ' 18446744073709551615', 18446744073709551615n],
    ['a value after whitespace', '{"id" :\t1234567890123456789}', { id: 1234567890123456789n }],
  ])('keeps %s to the last digit', (_name, text, expected) => {
    // Act
    const value = parseExactJson(text);

    // Assess
    expect(value).toEqual(expected);
  });

  it.each([
    ['a safe integer', '{"n":9007199254740991}', { n: 9007199254740991 }],
    ['a long fraction', '{"x":1234567890123456.5}', { x: 1234567890123456.5 }],
    ['an exponent', '{"x":1e20,"y":12345678901234567e3}', { x: 1e20, y: 12345678901234567e3 }],
    ['long digits inside a string', '{"id_str":"1234567890123456789"}', { id_str: '1234567890123456789' }],
    ['digits after a colon inside a string', '{"s":"a:1234567890123456789"}', { s: 'a:1234567890123456789' }],
  ])('leaves %s as JSON.parse gives it', (_name, text, expected) => {
    // Act
    const value = parseExactJson(text);

    // Assess
    expect(value).toEqual(expected);
  });

  it('gives what JSON.parse gives for any JSON without integers past 2^53', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        fc.pre(!/\d{16}/.test(text));
        expect(parseExactJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps any 64-bit integer exactly, wherever it sits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n }), fc.string(), (integer, key) => {
        // Prepare
        const text = `{${JSON.stringify(key)}:["x",{"v":${integer}}]}`;

        // Act
        const value = parseExactJson(text) as Record<string, [string, { v: unknown }]>;

        // Assess
        const parsed = value[key]?.[1].v;
        expect(BigInt(parsed as bigint | number)).toBe(integer);
        expect(typeof parsed).toBe(Number.isSafeInteger(Number(integer)) ? 'number' : 'bigint');
      }),
      { numRuns: 500 },
    );
  });

  it('fails on text that is not JSON, as JSON.parse does', () => {
    expect(() => parseExactJson('{"id":12345678901234567890')).toThrow(SyntaxError);
  });
});

describe('Function: withExactIntegers', () => {
  it('lets JSON.stringify write bigints as their digits, at any depth', () => {
    // Prepare
    const text = '{"id":1234567890123456789,"items":[{"n":-9223372036854775808},1.5,"x"],"k":null}';

    // Act
    const written = JSON.stringify(withExactIntegers(parseExactJson(text)));

    // Assess
    expect(written).toBe(text);
  });

  it('returns a value without bigints as it is', () => {
    // Prepare
    const value = { a: [1, { b: 'c' }], d: null };

    // Act
    const same = withExactIntegers(value);

    // Assess
    expect(same).toBe(value);
  });

  it('keeps a __proto__ key a key when it copies an object', () => {
    // Prepare
    const text = '{"__proto__":{"id":1234567890123456789}}';

    // Act
    const written = JSON.stringify(withExactIntegers(parseExactJson(text)));

    // Assess
    expect(written).toBe(text);
  });
});
