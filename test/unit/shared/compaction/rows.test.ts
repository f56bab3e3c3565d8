import { describe, expect, it } from 'vitest';
import { rowsOfJsonLines } from '../../../../shared/compaction/rows.js';

const PATH = 'raw/orders/0/2026/11/21/12/05/00.jsonl';

describe('Function: rowsOfJsonLines', () => {
  it('keeps body integers past 2^53 to the last digit, with an envelope and without', () => {
    // Prepare
    const envelope =
      '{"partition":"0","offset":"5","position":5,"timestamp":"2026-11-21T12:05:00.000Z","body":{"id":1234567890123456789,"n":[18446744073709551616]}}';
    const bare = '{"id":-9223372036854775808,"price":12.5}';

    // Act
    const [enveloped] = [...rowsOfJsonLines(`${envelope}\n`, PATH, '0', true)];
    const [body] = [...rowsOfJsonLines(`${bare}\n`, PATH, '0', false)];

    // Assess
    expect(enveloped?.row).toMatchObject({
      _position: 5,
      id: 1234567890123456789n,
      n: [18446744073709551616n],
    });
    expect(body?.row).toMatchObject({ id: -9223372036854775808n, price: 12.5 });
  });
});
