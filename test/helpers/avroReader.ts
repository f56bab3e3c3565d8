import { inflateRawSync } from 'node:zlib';

/** One Capture `EventData` record as read back; maps keep their delivery order. */
export interface EventDataRecord {
  readonly SequenceNumber: number;
  readonly Offset: string;
  readonly EnqueuedTimeUtc: string;
  readonly SystemProperties: [string, unknown][];
  readonly Properties: [string, unknown][];
  readonly Body: Buffer | null;
}

export interface ContainerFile {
  readonly codec: string;
  readonly schema: string;
  readonly syncMarker: Buffer;
  /** Size of the header (magic, metadata, sync marker): where the first block starts. */
  readonly headerBytes: number;
  readonly blocks: number;
  readonly records: EventDataRecord[];
}

/**
 * Reads an Avro container file of Capture's schema, strictly: one header at the start, every block
 * followed by the header's sync marker, nothing after the last block. For the tests' own checks
 * (the property test reads thousands of objects); what an independent reader makes of our files is
 * tested with fastavro and Apache avro (test/avro/).
 */
export function readContainerFile(bytes: Buffer): ContainerFile {
  const input = new AvroInput(bytes);
  if (!input.raw(4).equals(Buffer.from('Obj\x01', 'latin1'))) throw new Error('not an Avro container file');
  const metadata = new Map(input.map(() => input.bytes()));
  const syncMarker = input.raw(16);
  const headerBytes = input.offset;
  const codec = metadata.get('avro.codec')?.toString() ?? 'null';
  const records: EventDataRecord[] = [];
  let blocks = 0;
  while (!input.done()) {
    const count = input.long();
    const data = input.raw(input.long());
    if (!input.raw(16).equals(syncMarker))
      throw new Error(`block ${blocks} does not end in the file's sync marker`);
    const block = new AvroInput(codec === 'deflate' ? inflateRawSync(data) : data);
    for (let index = 0; index < count; index++) records.push(eventData(block));
    if (!block.done()) throw new Error(`block ${blocks} has bytes after its ${count} records`);
    blocks++;
  }
  return {
    codec,
    schema: metadata.get('avro.schema')?.toString() ?? '',
    syncMarker,
    headerBytes,
    blocks,
    records,
  };
}

function eventData(input: AvroInput): EventDataRecord {
  // Capture's unions: long, double, string, bytes, then (Properties only) null.
  const union = (): unknown => {
    const branch = input.long();
    if (branch === 0) return input.long();
    if (branch === 1) return input.double();
    if (branch === 2) return input.string();
    if (branch === 3) return input.bytes();
    if (branch === 4) return null;
    throw new Error(`union branch ${branch} is not in Capture's schema`);
  };
  return {
    SequenceNumber: input.long(),
    Offset: input.string(),
    EnqueuedTimeUtc: input.string(),
    SystemProperties: input.map(union),
    Properties: input.map(union),
    Body: input.long() === 1 ? input.bytes() : null,
  };
}

class AvroInput {
  offset = 0;
  constructor(private readonly source: Buffer) {}

  done(): boolean {
    return this.offset >= this.source.length;
  }

  long(): number {
    let value = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.source[this.offset++];
      if (byte === undefined) throw new Error('truncated long');
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7n;
    }
    return Number((value >> 1n) ^ -(value & 1n));
  }

  double(): number {
    const value = this.source.readDoubleLE(this.offset);
    this.offset += 8;
    return value;
  }

  raw(length: number): Buffer {
    if (this.offset + length > this.source.length) throw new Error('truncated');
    const value = this.source.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  bytes(): Buffer {
    return this.raw(this.long());
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
}
