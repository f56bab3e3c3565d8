import { describe, expect, it } from 'vitest';
import { durationText } from '../../../../local/console/durationText.js';

describe('Function: durationText', () => {
  it.each([
    [0, '0 s'],
    [59.4, '59 s'],
    [416, '6 min 56 s'],
    [3600, '1 h 0 min'],
    [86_400 * 2 + 3600 * 4 + 5, '2 d 4 h'],
  ])('writes %s seconds as %s', (seconds, text) => {
    // Act & Assess
    expect(durationText(seconds)).toBe(text);
  });
});
