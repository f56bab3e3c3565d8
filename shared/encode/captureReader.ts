import { inflateRawSync } from 'node:zlib';
import { CaptureError } from '../errors.js';
import { type AvroCodec, SYNC_MARKER_BYTES } from './avroBinary.js';
import { CAPTURE_SCHEMA_JSON } from './captureEventData.js';

/** A value of Capture's `SystemProperties` map (its union: long, double, string, bytes). */
export type SystemPropertyValue = number | string | Buffer;
/** A value of Capture's `Properties` map: the same union plus null. */
export type PropertyValue = SystemPropertyValue | null;

/** One Capture `EventData` record as read back; maps keep their order in the file. */
export interface EventDataRecord {
  readonly SequenceNumber: number;
  readonly Offset: string;
  readonly EnqueuedTimeUtc: string;
  readonly SystemProperties: [string, SystemPropertyValue][];
  readonly Properties: [string, PropertyValue][];
  readonly Body: Buffer | null;
}

/** A record and the bytes its datum takes in the block, uncompressed. */
export interface CaptureDatum {
  readonly record: EventDataRecord;
  readonly datumBytes: number;
}

export interface CaptureContainer {
  readonly codec: AvroCodec;
  readonly schema: string;
  readonly syncMarker: Buffer;
  /** Size of the header (magic, metadata, sync marker): where the first block starts. */
  readonly headerBytes: number;
  /** The data blocks in file order, each decoded and checked when reached: memory holds one block. */
  blocks(): Generator<readonly CaptureDatum[]>;
}

const MAGIC = Buffer.from('Obj\x01', 'latin1');
/** Capture's schema as a structure, so a file whose schema text differs only in spacing still reads. */
const CAPTURE_SCHEMA = JSON.stringify(JSON.parse(CAPTURE_SCHEMA_JSON));
/** Branches of Capture's unions: `SystemProperties` has the first four, `Properties` all five. */
const UNION_BRANCHES = { systemProperties: 4, properties: 5 } as const;
/** Up to this many varint bytes a long stays below 2^49, exact in a double without BigInt. */
const SMALL_LONG_BYTES = 7;

/**
 * Opens an Avro object container file of Event Hubs Capture's schema (codec null or deflate) and
 * reads it strictly: the magic, Capture's schema, a known codec, every block ending in the header's
 * sync marker and holding exactly its count of records, every union branch in the schema, nothing
 * after the last block. Anything else is a `CaptureError` (permanent) that names the file and what
 * is wrong with it, since a partly read file would lose or invent records.
 *
 * Written for Capture's one schema rather than as a general Avro reader, like the writer in
 * `avroBinary.ts`: small, nothing to load at cold start.
 *
 * @example
 * for (const block of openCaptureContainer(bytes, path).blocks())
 *   for (const { record } of block) console.log(record.SequenceNumber);
 */
export function openCaptureContainer(bytes: Buffer, name: string): CaptureContainer {
  const damaged = (detail: string, cause?: unknown) =>
    new CaptureError(`${name} is not a readable Capture Avro file: ${detail}`, { retriable: false, cause });
  const input = new AvroInput(bytes, damaged);
  if (!input.raw(MAGIC.length).equals(MAGIC))
    throw damaged('it does not start with the Avro magic "Obj\\x01"');
  const metadata = new Map(input.map(() => input.bytes()));
  const syncMarker = input.raw(SYNC_MARKER_BYTES);
  const headerBytes = input.offset;
  const codec = metadata.get('avro.codec')?.toString() ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') throw damaged(`codec ${codec} is not null or deflate`);
  const schema = metadata.get('avro.schema')?.toString() ?? '';
  if (!isCaptureSchema(schema))
    throw damaged(`its schema is not Capture's EventData: ${schema.slice(0, 200)}`);

  function* blocks(): Generator<readonly CaptureDatum[]> {
    const blockInput = new AvroInput(bytes, damaged);
    blockInput.offset = headerBytes;
    for (let index = 0; !blockInput.done(); index++) {
      const count = blockInput.long();
      const size = blockInput.long();
      if (count < 0 || size < 0) throw damaged(`block ${index} has a negative count or size`);
      const data = blockInput.raw(size);
      if (!blockInput.raw(SYNC_MARKER_BYTES).equals(syncMarker))
        throw damaged(`block ${index} does not end in the file's sync marker`);
      yield datumsOf(inflated(data, index), count, index);
    }
  }

  function inflated(data: Buffer, index: number): Buffer {
    if (codec === 'null') return data;
    try {
      return inflateRawSync(data);
    } catch (error) {
      throw damaged(`block ${index} is not valid deflate data`, error);
    }
  }

  function datumsOf(data: Buffer, count: number, index: number): CaptureDatum[] {
    const block = new AvroInput(data, (detail) => damaged(`block ${index}: ${detail}`));
    const datums: CaptureDatum[] = [];
    for (let datum = 0; datum < count; datum++) {
      const start = block.offset;
      const record = eventData(block);
      datums.push({ record, datumBytes: block.offset - start });
    }
    if (!block.done()) throw damaged(`block ${index} has bytes after its ${count} records`);
    return datums;
  }

  return { codec, schema, syncMarker, headerBytes, blocks };
}

function isCaptureSchema(schema: string): boolean {
  try {
    return JSON.stringify(JSON.parse(schema)) === CAPTURE_SCHEMA;
  } catch {
    return false;
  }
}

function eventData(input: AvroInput): EventDataRecord {
  const sequenceNumber = input.long();
  const offset = input.string();
  const enqueuedTimeUtc = input.string();
  const systemProperties = input.map(
    () => input.union(UNION_BRANCHES.systemProperties) as SystemPropertyValue,
  );
  const properties = input.map(() => input.union(UNION_BRANCHES.properties));
  const bodyBranch = input.long();
  if (bodyBranch !== 0 && bodyBranch !== 1)
    throw input.damaged(`Body union branch ${bodyBranch} is not null or bytes`);
  return {
    SequenceNumber: sequenceNumber,
    Offset: offset,
    EnqueuedTimeUtc: enqueuedTimeUtc,
    SystemProperties: systemProperties,
    Properties: properties,
    Body: bodyBranch === 1 ? input.bytes() : null,
  };
}

/** Avro's binary encoding read from a buffer, every read bounds-checked. */
class AvroInput {
  offset = 0;

  constructor(
    private readonly source: Buffer,
    readonly damaged: (detail: string) => CaptureError,
  ) {}

  done(): boolean {
    return this.offset >= this.source.length;
  }

  /** Zigzag varint; a value a double cannot hold exactly is refused rather than rounded. */
  long(): number {
    let zigzag = 0;
    let multiplier = 1;
    for (let index = 0; index < SMALL_LONG_BYTES; index++) {
      const byte = this.byte();
      zigzag += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
      multiplier *= 0x80;
    }
    let big = BigInt(zigzag);
    let shift = BigInt(7 * SMALL_LONG_BYTES);
    for (;;) {
      const byte = this.byte();
      big |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7n;
      if (shift > 63n) throw this.damaged('a long has more than ten bytes');
    }
    const value = Number((big >> 1n) ^ -(big & 1n));
    if (!Number.isSafeInteger(value))
      throw this.damaged(`the long ${value} is beyond 2^53 and cannot be read exactly`);
    return value;
  }

  double(): number {
    return this.raw(8).readDoubleLE(0);
  }

  raw(length: number): Buffer {
    if (this.offset + length > this.source.length)
      throw this.damaged(`it ends at byte ${this.source.length}, inside a value that needs ${length} bytes`);
    const value = this.source.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  bytes(): Buffer {
    const length = this.long();
    if (length < 0) throw this.damaged(`a length of ${length} bytes`);
    return this.raw(length);
  }

  string(): string {
    return this.bytes().toString('utf8');
  }

  map<V>(value: () => V): [string, V][] {
    const entries: [string, V][] = [];
    for (let count = this.long(); count !== 0; count = this.long()) {
      if (count < 0) this.long(); // a negative count is followed by the block's size in bytes
      for (let index = 0; index < Math.abs(count); index++) entries.push([this.string(), value()]);
    }
    return entries;
  }

  /** Capture's unions, in order: long, double, string, bytes and (Properties only) null. */
  union(branches: number): PropertyValue {
    const branch = this.long();
    if (branch < 0 || branch >= branches)
      throw this.damaged(`union branch ${branch} is not in Capture's schema`);
    if (branch === 0) return this.long();
    if (branch === 1) return this.double();
    if (branch === 2) return this.string();
    if (branch === 3) return this.bytes();
    return null;
  }

  private byte(): number {
    const byte = this.source[this.offset++];
    if (byte === undefined) throw this.damaged(`it ends at byte ${this.source.length}, inside a long`);
    return byte;
  }
}
