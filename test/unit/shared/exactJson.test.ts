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

  it('gives back any JSON value holding integers of any size, strings of digits and markers included', () => {
    // Prepare: integers as bigints where a double cannot hold them, as parseExactJson gives them
    const exact = (integer: bigint) => (Number.isSafeInteger(Number(integer)) ? Number(integer) : integer);
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(exact),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(
          '1234567890123456789',
          '\ue000',
          '\\ue000',
          '\ue0001234567890123456789',
          'a:12345678901234567',
        ),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value')),
        fc.dictionary(fc.string(), tie('value')),
      ),
    }));
    fc.assert(
      fc.property(value, (original) => {
        // Act
        const text = JSON.stringify(withExactIntegers(original));

        // Assess: the text parsed again is the value (JSON.parse makes -0 a 0 too)
        expect(parseExactJson(text)).toEqual(
          JSON.parse(
            JSON.stringify(withExactIntegers(original)),
            (_key, item, context?: { source?: string }) =>
              typeof item === 'number' && !Number.isSafeInteger(item) && /^-?\d+$/.test(context?.source ?? '')
                ? BigInt(context?.source ?? '')
                : item,
          ),
        );
        expect(JSON.stringify(withExactIntegers(parseExactJson(text)))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('parses a line nested far deeper than recursion can go, its integers exact', () => {
    // Prepare
    const text = `${'[{"a":'.repeat(50_000)}12345678901234567890${'}]'.repeat(50_000)}`;

    // Act
    let value = parseExactJson(text);

    // Assess
    for (let depth = 0; depth < 50_000; depth++) value = (value as { a: unknown }[])[0]?.a;
    expect(value).toBe(12345678901234567890n);
  });

  it('keeps strings that hold its marker characters as written, beside integers it restores', () => {
    // Prepare: U+E000 literally and as an escape, each followed by digits
    const text =
      '{"a":"\uE0001234567890123456789","b":"\\ue000","c":"\ue0011234567890123456789","id":1234567890123456789}';

    // Act
    const value = parseExactJson(text);

    // Assess
    expect(value).toEqual({
      a: '\uE0001234567890123456789',
      b: '\ue000',
      c: '\ue0011234567890123456789',
      id: 1234567890123456789n,
    });
  });

  it.each([
    ['an unclosed object', '{"id":12345678901234567890'],
    ['a long integer with a leading zero', '{"id":01234567890123456789}'],
  ])('fails on %s, as JSON.parse does', (_what, text) => {
    expect(() => parseExactJson(text)).toThrow(SyntaxError);
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
