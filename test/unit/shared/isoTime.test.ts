import { afterEach, describe, expect, it } from 'vitest';
import { parseIsoTime } from '../../../shared/isoTime.js';

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
