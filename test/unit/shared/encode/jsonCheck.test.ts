import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJson, compactJson } from '../../../../shared/encode/jsonCheck.js';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Text near JSON: valid documents with a character inserted, removed or replaced. */
const nearJson = fc
  .tuple(
    fc.json(),
    fc.nat(),
    fc.constantFrom(
      '',
      '"',
      '\\',
      ',',
      ':',
      '}',
      ']',
      '{',
      '[',
      '0',
      '-',
      '.',
      'e',
      ' ',
      '\n',
      '\u0001',
      'u',
    ),
    fc.nat(2),
  )
  .map(([json, at, insert, cut]) => {
    const position = at % (json.length + 1);
    return json.slice(0, position) + insert + json.slice(position + cut);
  });

describe('Function: checkJson', () => {
  it('agrees with JSON.parse on valid documents, near-misses and arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), nearJson, fc.string(), fc.string({ unit: 'binary' })), (text) => {
        // Act & Assess
        expect(checkJson(Buffer.from(text)).valid).toBe(parses(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reports line breaks only when a document spreads over lines', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // Prepare
        const compact = JSON.stringify(value);
        const pretty = JSON.stringify(value, null, 2);

        // Act & Assess
        expect(checkJson(Buffer.from(compact))).toEqual({ valid: true, lineBreaks: false });
        expect(checkJson(Buffer.from(pretty))).toEqual({ valid: true, lineBreaks: pretty.includes('\n') });
      }),
    );
  });

  it.each([
    ['a leading zero', '01'],
    ['a lone minus', '-'],
    ['a trailing comma', '[1,]'],
    ['two values', '{} {}'],
    ['a raw tab in a string', '"a\tb"'],
    ['a short unicode escape', '"\\u12"'],
    ['a byte order mark', '\uFEFF{}'],
    ['an unclosed object', '{"a":1'],
    ['a NUL after the value', '{}\u0000'],
  ])('rejects %s', (_case, text) => {
    // Act & Assess
    expect(checkJson(Buffer.from(text)).valid).toBe(false);
    expect(parses(text)).toBe(false);
  });

  it.each([
    ['a line feed between tokens', '{"a":\n1}'],
    ['a carriage return between tokens', '{"a":\r1}'],
    ['a line break after the value', '[1]\r\n'],
  ])('reports %s as a line break, and a space in its place as none', (_case, text) => {
    // Act & Assess
    expect(checkJson(Buffer.from(text))).toEqual({ valid: true, lineBreaks: true });
    expect(checkJson(Buffer.from(text.replace(/[\r\n]/g, ' ')))).toEqual({ valid: true, lineBreaks: false });
  });

  it('accepts nesting far deeper than a recursive parser could follow', () => {
    // Prepare
    const depth = 200_000;
    const text = `${'['.repeat(depth)}${']'.repeat(depth)}`;

    // Act & Assess
    expect(checkJson(Buffer.from(text))).toEqual({ valid: true, lineBreaks: false });
  });
});

describe('Function: compactJson', () => {
  it('puts any JSON document on one line with the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2, '\t', ' \r\n '), (value, indent) => {
        // Prepare
        const text = JSON.stringify(value, null, indent as number | string);

        // Act
        const compact = compactJson(Buffer.from(text)).toString();

        // Assess
        expect(compact).not.toMatch(/[\r\n]/);
        expect(JSON.parse(compact)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('keeps every token byte for byte, where parsing and serializing again would change them', () => {
    // Prepare
    const text =
      '{\n  "id": 12345678901234567890,\n  "zero": -0,\n  "big": 1e999,\n  "id": "a \\" b",\n  "s": "x\\ny"\n}';

    // Act & Assess
    expect(compactJson(Buffer.from(text)).toString()).toBe(
      '{"id":12345678901234567890,"zero":-0,"big":1e999,"id":"a \\" b","s":"x\\ny"}',
    );
  });
});
