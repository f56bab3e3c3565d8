import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FetchedRecord } from '../../../../../local/platforms/kafka/batches.js';
import { packBatch, unpackBatch } from '../../../../../local/platforms/kafka/packedBatch.js';

const bytes = fc.option(
  fc.uint8Array({ maxLength: 40 }).map((array) => Buffer.from(array)),
  { nil: null },
);

const fetchedRecord: fc.Arbitrary<FetchedRecord> = fc.record({
  partition: fc.nat({ max: 1_000 }),
  offset: fc.maxSafeNat(),
  timestamp: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 8.64e15 })),
  timestampType: fc.constantFrom('CREATE_TIME' as const, 'LOG_APPEND_TIME' as const),
  key: bytes,
  value: bytes,
  headers: fc.array(fc.record({ name: fc.string({ unit: 'grapheme', maxLength: 12 }), value: bytes }), {
    maxLength: 4,
  }),
});

describe('packBatch and unpackBatch', () => {
  it('give back every record as it was: coordinates, null and empty keys, values and header values', () => {
    fc.assert(
      fc.property(fc.array(fetchedRecord, { maxLength: 30 }), (records) => {
        const { packed } = packBatch(records);
        expect(unpackBatch(packed)).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });

  it('copies bytes out of a shared fetch buffer, so the transfer takes only the batch', () => {
    const response = Buffer.alloc(64 * 1024, 0x61);
    const record: FetchedRecord = {
      partition: 3,
      offset: 41,
      timestamp: 1_700_000_000_000,
      timestampType: 'CREATE_TIME',
      key: response.subarray(10, 14),
      value: response.subarray(100, 120),
      headers: [{ name: 'trace', value: response.subarray(200, 202) }],
    };
    const { packed, transferList } = packBatch([record]);
    expect(packed.bytes.byteLength).toBe(26);
    expect(transferList).toEqual([packed.bytes, packed.numbers.buffer]);
    structuredClone(packed, { transfer: transferList });
    // Moved, not copied: the sender's buffers are detached.
    expect(packed.bytes.byteLength).toBe(0);
    expect(response.length).toBe(64 * 1024);
  });
});
