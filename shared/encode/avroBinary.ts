import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { CaptureError } from '../errors.js';

/**
 * The part of Avro's binary encoding and object container format (Avro 1.11 specification,
 * "Binary Encoding" and "Object Container Files") that Capture's schema needs: longs, doubles,
 * strings, bytes, maps, unions, the file header and data blocks. Written by hand rather than with
 * avsc: it is under 150 lines, loads nothing at cold start, and lets a segment be a run of data
 * blocks without a header, which a general writer does not offer.
 */

const deflateRaw = promisify(zlib.deflateRaw);

/** `Obj` and format version 1. */
const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
export const SYNC_MARKER_BYTES = 16;
/** Below this magnitude a zigzag long is exact in a double; larger values go through BigInt. */
const EXACT_ZIGZAG_LIMIT = 2 ** 52;

/** Appends Avro values to a buffer that grows as needed. */
export class AvroWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 256) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** A long or an int: zigzag, then base-128 varint, least significant group first. */
  long(value: number): this {
    if (!Number.isInteger(value))
      throw new CaptureError(`Avro long must be an integer, got ${value}`, { retriable: false });
    if (Math.abs(value) >= EXACT_ZIGZAG_LIMIT) return this.bigLong(BigInt(value));
    let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
    this.reserve(10);
    while (zigzag >= 0x80) {
      this.buffer[this.length++] = (zigzag % 0x80) | 0x80;
      zigzag = Math.floor(zigzag / 0x80);
    }
    this.buffer[this.length++] = zigzag;
    return this;
  }

  /** Eight bytes, IEEE 754, little-endian. */
  double(value: number): this {
    this.reserve(8);
    this.length = this.buffer.writeDoubleLE(value, this.length);
    return this;
  }

  /** Length, then the UTF-8 bytes. */
  string(value: string): this {
    const size = Buffer.byteLength(value, 'utf8');
    this.long(size).reserve(size);
    this.length += this.buffer.write(value, this.length, 'utf8');
    return this;
  }

  /** Length, then the bytes. */
  bytes(value: Uint8Array): this {
    return this.long(value.length).raw(value);
  }

  /** Bytes as they are, with no length before them (a fixed, a sync marker). */
  raw(value: Uint8Array): this {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** A map as one block of entries then the empty block that ends it (an empty map is just the end). */
  map<V>(entries: readonly (readonly [string, V])[], writeValue: (writer: this, value: V) => void): this {
    if (entries.length > 0) {
      this.long(entries.length);
      for (const [key, value] of entries) {
        this.string(key);
        writeValue(this, value);
      }
    }
    return this.long(0);
  }

  /** The bytes written so far (a view, not a copy). */
  bytesWritten(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private bigLong(value: bigint): this {
    let zigzag = value >= 0n ? value << 1n : (-value << 1n) - 1n;
    this.reserve(10);
    while (zigzag >= 0x80n) {
      this.buffer[this.length++] = Number(zigzag & 0x7fn) | 0x80;
      zigzag >>= 7n;
    }
    this.buffer[this.length++] = Number(zigzag);
    return this;
  }

  private reserve(bytes: number): this {
    if (this.length + bytes <= this.buffer.length) return this;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
    return this;
  }
}

export type AvroCodec = 'null' | 'deflate';

/**
 * The header of an object container file: magic, the metadata map (`avro.codec` first, then
 * `avro.schema`, the order Capture writes them in) and the file's sync marker.
 */
export function containerHeader(schemaJson: string, codec: AvroCodec, syncMarker: Buffer): Buffer {
  assertSyncMarker(syncMarker);
  const writer = new AvroWriter(schemaJson.length + 64).raw(MAGIC);
  writer.map(
    [
      ['avro.codec', Buffer.from(codec)],
      ['avro.schema', Buffer.from(schemaJson)],
    ],
    (into, value) => into.bytes(value),
  );
  return Buffer.from(writer.raw(syncMarker).bytesWritten());
}

/**
 * One data block: how many objects it holds, the size of their (compressed) bytes, those bytes, and
 * the file's sync marker. Deflate is raw DEFLATE (RFC 1951, no zlib header), as the spec says.
 */
export async function dataBlock(
  datums: readonly Buffer[],
  count: number,
  codec: AvroCodec,
  syncMarker: Buffer,
): Promise<Buffer> {
  assertSyncMarker(syncMarker);
  const serialized = Buffer.concat(datums);
  const data = codec === 'deflate' ? await deflateRaw(serialized) : serialized;
  const head = new AvroWriter(20).long(count).long(data.length).bytesWritten();
  return Buffer.concat([head, data, syncMarker]);
}

function assertSyncMarker(syncMarker: Buffer): void {
  if (syncMarker.length !== SYNC_MARKER_BYTES)
    throw new CaptureError(`an Avro sync marker has ${SYNC_MARKER_BYTES} bytes, got ${syncMarker.length}`, {
      retriable: false,
    });
}
