import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isoTimeText, parseIsoTime } from '../../../shared/isoTime.js';

describe('Function: parseIsoTime', () => {
  const originalTimeZone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTimeZone;
  });

  it.each([
    ['Z and milliseconds', '2026-11-21T12:00:01.123Z', Date.UTC(2026, 10, 21, 12, 0, 1, 123)],
    [
      'seven fraction digits, truncated',
      '2026-11-21T12:00:01.1234567',
      Date.UTC(2026, 10, 21, 12, 0, 1, 123),
    ],
    ['no zone, read as UTC', '2026-11-21T12:00:01', Date.UTC(2026, 10, 21, 12, 0, 1)],
    ['an offset', '2026-11-21T14:00:01+02:00', Date.UTC(2026, 10, 21, 12, 0, 1)],
    ['a negative offset', '2026-11-21T07:30:01-04:30', Date.UTC(2026, 10, 21, 12, 0, 1)],
    [
      "an offset without a colon (Java's default)",
      '2026-11-21T14:00:01.000+0200',
      Date.UTC(2026, 10, 21, 12, 0, 1),
    ],
    ['lower-case t and z', '2026-11-21t12:00:01z', Date.UTC(2026, 10, 21, 12, 0, 1)],
    ['a space for the T', '2026-11-21 12:00:01Z', Date.UTC(2026, 10, 21, 12, 0, 1)],
    ['no seconds', '2026-11-21T12:00Z', Date.UTC(2026, 10, 21, 12, 0)],
    ['a date alone, midnight UTC', '2026-11-21', Date.UTC(2026, 10, 21)],
    ['the epoch', '1970-01-01T00:00:00Z', 0],
  ])('reads %s whatever the machine time zone', (_case, text, expected) => {
    // Prepare: a zone far from UTC makes a local-time reading visible.
    process.env.TZ = 'Asia/Kolkata';

    // Act & Assess
    expect(parseIsoTime(text)).toBe(expected);
  });

  it.each([
    ['a small number', '12'],
    ['words with a number', 'version 2'],
    ['epoch milliseconds as text', '1795262400000'],
    ['an HTTP date', 'Sat, 21 Nov 2026 12:00:00 GMT'],
    ['year 1, which Date.UTC reads as 1901', '0001-01-01T00:00:00Z'],
    ['a six-digit year', '275760-09-13T00:00:00Z'],
    ['the 31st of February', '2026-02-31T00:00:00Z'],
    ['hour 24', '2026-11-21T24:00:00Z'],
    ['an offset of 25 hours', '2026-11-21T12:00:00+25:00'],
    ['an offset of three digits', '2026-11-21T12:00:00+020'],
    ['a zone after a date alone', '2026-11-21Z'],
    ['an empty string', ''],
  ])('gives NaN for %s', (_case, text) => {
    expect(parseIsoTime(text)).toBeNaN();
  });
});

describe('Function: parseIsoTime, times read one after another', () => {
  /** A time's text and the instant it names, or NaN where the text is not a time. */
  const timeText = fc
    .record({
      separator: fc.constantFrom('T', 't', ' '),
      minute: fc.integer({ min: 0, max: 3 }),
      second: fc.integer({ min: 0, max: 61 }),
      fraction: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 11 }),
      dot: fc.boolean(),
      zone: fc.constantFrom('', 'Z', 'z', '+02:00', '-0130', 'Q'),
    })
    .map(({ separator, minute, second, fraction, dot, zone }) => {
      const text = `2026-11-21${separator}12:0${minute}:${String(second).padStart(2, '0')}${dot ? `.${fraction}` : ''}${zone}`;
      const offsetMinutes = zone === '+02:00' ? 120 : zone === '-0130' ? -90 : 0;
      const readable =
        second <= 59 && zone !== 'Q' && (!dot || (fraction.length >= 1 && fraction.length <= 9));
      const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
      const instant = Date.UTC(2026, 10, 21, 12, minute, second, dot ? millis : 0) - offsetMinutes * 60_000;
      return { text, expected: readable ? instant : Number.NaN };
    });

  it('reads each as it would alone, whichever minute was read before it', () => {
    fc.assert(
      fc.property(fc.array(timeText, { minLength: 1, maxLength: 20 }), (times) => {
        // Act
        const read = times.map(({ text }) => parseIsoTime(text));

        // Assess
        expect(read).toEqual(times.map(({ expected }) => expected));
      }),
      { numRuns: 300 },
    );
  });
});

describe('Function: isoTimeText', () => {
  it('writes what toISOString writes, whichever time it wrote before', () => {
    // Prepare: times near each other share their second, as a batch's records do
    const near = fc.integer({ min: Date.UTC(2026, 10, 21), max: Date.UTC(2026, 10, 21) + 3000 });
    const anywhen = fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true });
    const anyTime = fc.oneof(near, anywhen.map(Math.trunc), anywhen);

    fc.assert(
      fc.property(fc.array(anyTime, { minLength: 1, maxLength: 20 }), (times) => {
        // Act
        const written = times.map((time) => isoTimeText(time));

        // Assess
        expect(written).toEqual(times.map((time) => new Date(time).toISOString()));
      }),
      { numRuns: 300 },
    );
  });

  it.each([Number.NaN, 8.64e15 + 1, Number.POSITIVE_INFINITY])('refuses %d as toISOString does', (time) => {
    expect(() => isoTimeText(time)).toThrow(RangeError);
  });
});
