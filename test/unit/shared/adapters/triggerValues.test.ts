import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../../../shared/adapters/triggerValues.js';
import { TriggerShapeError } from '../../../../shared/errors.js';

const where = () => 'the value';

describe('Function: decodeBase64', () => {
  it('decodes any bytes encoded as base64, the form every encoder writes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(decodeBase64(Buffer.from(bytes).toString('base64'), where)).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('accepts base64 whose unused bits are set, which does not encode back the same, as the bytes it stands for', () => {
    // "QR==" and "QQ==" both stand for "A": the last character's low bits are not part of the byte.
    expect(decodeBase64('QR==', where)).toEqual(Buffer.from('A'));
    expect(decodeBase64('QUI=', where)).toEqual(Buffer.from('AB'));
  });

  it.each([
    ['a character outside the alphabet', 'a*b='],
    ['the URL-safe alphabet', 'a-_b'],
    ['a line break', 'QUJD\nREVG'],
    ['a length that is not a multiple of four', 'QUJ'],
    ['padding inside the text', 'QQ==QQ=='],
  ])('refuses %s, which Buffer.from would skip silently', (_case, text) => {
    expect(() => decodeBase64(text, where)).toThrow(TriggerShapeError);
    expect(() => decodeBase64(text, where)).toThrow('the value is not valid base64');
  });

  it('describes where the value came from only for an error', () => {
    // Prepare
    let asked = 0;
    const counted = () => {
      asked += 1;
      return 'the value';
    };

    // Act
    decodeBase64('QUJD', counted);
    const failure = () => decodeBase64('QUJ', counted);

    // Assess
    expect(failure).toThrow('the value is not valid base64');
    expect(asked).toBe(1);
  });
});
