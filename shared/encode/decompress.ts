import * as zlib from 'node:zlib';
import { CaptureError } from '../errors.js';

/**
 * Decompresses a sealed object by its extension (`.gz`, `.zst`, or neither). Objects are
 * concatenations of independently compressed segments; gunzip reads every member, but Node's zstd
 * decoder stops after the first frame, so zstd objects are split into frames and decoded one by one.
 */
export function decompressObject(path: string, bytes: Buffer): Buffer {
  if (path.endsWith('.gz')) return zlib.gunzipSync(bytes);
  if (path.endsWith('.zst'))
    return Buffer.concat(zstdFrames(bytes).map((frame) => zlib.zstdDecompressSync(frame)));
  return bytes;
}

const ZSTD_MAGIC = 0xfd2fb528;
const FCS_BYTES = [0, 2, 4, 8] as const;
const DICTIONARY_ID_BYTES = [0, 1, 2, 4] as const;

/** Splits concatenated zstd frames by walking frame and block headers (RFC 8878, section 3.1). */
export function zstdFrames(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    const magic = bytes.readUInt32LE(start);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      start += 8 + bytes.readUInt32LE(start + 4);
      continue;
    }
    if (magic !== ZSTD_MAGIC)
      throw new CaptureError(`not a zstd frame at byte ${start}: the object is damaged or not zstd`, {
        retriable: false,
      });
    const descriptor = bytes.readUInt8(start + 4);
    const singleSegment = (descriptor >> 5) & 1;
    const fcsFlag = descriptor >> 6;
    const fcsBytes = fcsFlag === 0 && singleSegment === 1 ? 1 : (FCS_BYTES[fcsFlag] ?? 0);
    let cursor = start + 5 + (singleSegment ? 0 : 1) + (DICTIONARY_ID_BYTES[descriptor & 3] ?? 0) + fcsBytes;
    for (let last = false; !last; ) {
      const header = bytes.readUIntLE(cursor, 3);
      last = (header & 1) === 1;
      const type = (header >> 1) & 3;
      const size = header >> 3;
      cursor += 3 + (type === 1 ? 1 : size);
    }
    if ((descriptor >> 2) & 1) cursor += 4;
    frames.push(bytes.subarray(start, cursor));
    start = cursor;
  }
  return frames;
}
