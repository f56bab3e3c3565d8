import { describe, expect, it } from 'vitest';
import { decodedJson } from '../../../../shared/registry/decodedJson.js';

describe('Function: decodedJson', () => {
  it.each([
    ['a bigint as an exact number', { id: 2n ** 63n - 1n }, '{"id":9223372036854775807}'],
    ['bytes as base64', { raw: Buffer.from([0xff, 0x00]) }, '{"raw":"/wA="}'],
    ['a Uint8Array as base64', [new Uint8Array([1, 2])], '["AQI="]'],
    ['non-finite floats as text', [Number.NaN, Number.POSITIVE_INFINITY], '["NaN","Infinity"]'],
    ['a Map as an object', new Map([['a', 1]]), '{"a":1}'],
    ['undefined fields left out, null kept', { a: undefined, b: null }, '{"b":null}'],
    ['text escaped as JSON', { t: 'line\n"quoted" ✓' }, '{"t":"line\\n\\"quoted\\" ✓"}'],
  ])('writes %s', (_, value, expected) => {
    // Act
    const text = decodedJson(value);

    // Assess
    expect(text).toBe(expected);
  });
});
