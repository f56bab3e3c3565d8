import type { FetchedHeader, FetchedRecord } from './batches.js';

/**
 * A batch of fetched records as one byte buffer and one array of numbers, to hand to another thread
 * by transfer. Posted as objects, every record's key and value would be cloned apart, and a buffer
 * sliced from a fetch response would take the whole response with it.
 */
export interface PackedBatch {
  /** Every key, value and header value, one after another. */
  readonly bytes: ArrayBuffer;
  /**
   * Per record: partition, offset, timestamp, timestamp type (1 for log-append time), then key and
   * value as start and length in `bytes` (length -1 for null), then the header count and, per
   * header, its value's start and length.
   */
  readonly numbers: Float64Array;
  /** The header names, in order. */
  readonly headerNames: readonly string[];
}

const RECORD_FIELDS = 9;
const HEADER_FIELDS = 2;
const NULL_LENGTH = -1;

/** Packs a batch; `transferList` names the buffers `postMessage` may move instead of copying. */
export function packBatch(records: readonly FetchedRecord[]): {
  packed: PackedBatch;
  transferList: ArrayBuffer[];
} {
  let byteCount = 0;
  let numberCount = 0;
  for (const record of records) {
    byteCount += (record.key?.length ?? 0) + (record.value?.length ?? 0);
    numberCount += RECORD_FIELDS + HEADER_FIELDS * record.headers.length;
    for (const header of record.headers) byteCount += header.value?.length ?? 0;
  }
  const bytes = Buffer.from(new ArrayBuffer(byteCount));
  const numbers = new Float64Array(numberCount);
  const headerNames: string[] = [];
  let at = 0;
  let next = 0;
  /** Copies `value` into `bytes` and notes where it went. */
  const place = (value: Buffer | null) => {
    if (value === null) {
      numbers[next++] = 0;
      numbers[next++] = NULL_LENGTH;
      return;
    }
    numbers[next++] = at;
    numbers[next++] = value.length;
    at += value.copy(bytes, at);
  };
  for (const record of records) {
    numbers[next++] = record.partition;
    numbers[next++] = record.offset;
    numbers[next++] = record.timestamp;
    numbers[next++] = record.timestampType === 'LOG_APPEND_TIME' ? 1 : 0;
    place(record.key);
    place(record.value);
    numbers[next++] = record.headers.length;
    for (const header of record.headers) {
      headerNames.push(header.name);
      place(header.value);
    }
  }
  const packed: PackedBatch = { bytes: bytes.buffer as ArrayBuffer, numbers, headerNames };
  return { packed, transferList: [packed.bytes, numbers.buffer as ArrayBuffer] };
}

/** The records of a packed batch; keys and values are views of its bytes, not copies. */
export function unpackBatch(packed: PackedBatch): FetchedRecord[] {
  const { bytes, numbers, headerNames } = packed;
  const records: FetchedRecord[] = [];
  let next = 0;
  let nameIndex = 0;
  const read = () => numbers[next++] as number;
  const take = (): Buffer | null => {
    const start = read();
    const length = read();
    return length === NULL_LENGTH ? null : Buffer.from(bytes, start, length);
  };
  while (next < numbers.length) {
    const partition = read();
    const offset = read();
    const timestamp = read();
    const timestampType = read() === 1 ? 'LOG_APPEND_TIME' : 'CREATE_TIME';
    const key = take();
    const value = take();
    const headers: FetchedHeader[] = [];
    for (let count = read(); count > 0; count--) {
      const name = headerNames[nameIndex++] as string;
      headers.push({ name, value: take() });
    }
    records.push({ partition, offset, timestamp, timestampType, key, value, headers });
  }
  return records;
}
