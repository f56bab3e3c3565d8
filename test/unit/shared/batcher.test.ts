import { describe, expect, it } from 'vitest';
import { cutSegments, joinLines, orderedUniqueByPosition } from '../../../shared/batcher.js';
import type { EncodedRecord } from '../../../shared/encode/encodedRecord.js';
import { makeRecord } from '../../helpers/factories.js';

const encoded = (
  position: number,
  minute: number,
  bytes: number,
  kind: 'data' | 'deadletter' = 'data',
): EncodedRecord => ({
  kind,
  position,
  minute,
  watermarkTime: minute * 60_000,
  chunks: [Buffer.alloc(bytes - 1, 0x61)],
  lineBytes: bytes,
  timeFellBack: false,
});

describe('Function: cutSegments', () => {
  it('groups by kind and minute and cuts each group at the size limit', () => {
    // Prepare
    const records = [
      encoded(1, 10, 40),
      encoded(2, 10, 40),
      encoded(3, 11, 10),
      encoded(4, 10, 40),
      encoded(5, 10, 5, 'deadletter'),
    ];

    // Act
    const segments = cutSegments(records, '.jsonl', 100);

    // Assess
    expect(
      segments.map(({ kind, minute, first, last, records: count }) => ({ kind, minute, first, last, count })),
    ).toEqual([
      { kind: 'data', minute: 10, first: 1, last: 2, count: 2 },
      { kind: 'data', minute: 10, first: 4, last: 4, count: 1 },
      { kind: 'data', minute: 11, first: 3, last: 3, count: 1 },
      { kind: 'deadletter', minute: 10, first: 5, last: 5, count: 1 },
    ]);
  });

  it('gives a line longer than the limit a segment of its own', () => {
    // Act
    const segments = cutSegments(
      [encoded(1, 10, 10), encoded(2, 10, 500), encoded(3, 10, 10)],
      '.jsonl',
      100,
    );

    // Assess
    expect(segments.map((segment) => [segment.first, segment.last])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });
});

describe('Function: orderedUniqueByPosition', () => {
  it('sorts by position and keeps each position once', () => {
    // Prepare
    const records = [5, 3, 5, 4, 3].map((position) => makeRecord({ position }));

    // Act & Assess
    expect(orderedUniqueByPosition(records).map((record) => record.position)).toEqual([3, 4, 5]);
  });
});

describe('Function: joinLines', () => {
  it('writes each record line with its newline, in order, into one buffer', () => {
    // Prepare
    const records = [
      { ...encoded(1, 10, 4), chunks: [Buffer.from('{"a"'), Buffer.from(':1}')], lineBytes: 8 },
      { ...encoded(2, 10, 3), chunks: [Buffer.from('[2]')], lineBytes: 4 },
    ];
    const [segment] = cutSegments(records, '.jsonl', 1000);

    // Act
    const joined = segment ? joinLines(segment) : Buffer.alloc(0);

    // Assess
    expect(joined.toString()).toBe('{"a":1}\n[2]\n');
  });
});
