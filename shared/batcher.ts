import type { SegmentCoordinates } from './coordinates.js';
import type { EncodedRecord } from './encode/encodedRecord.js';

/**
 * The records of one partition in position order, each position once. Platforms deliver in order;
 * sorting and dropping repeated positions makes a malformed batch harmless instead of duplicated.
 */
export function orderedUniqueByPosition<T extends { readonly position: number }>(records: readonly T[]): T[];
export function orderedUniqueByPosition<T>(items: readonly T[], positionOf: (item: T) => number): T[];
export function orderedUniqueByPosition<T>(
  items: readonly T[],
  positionOf: (item: T) => number = (item) => (item as { position: number }).position,
): T[] {
  const ordered = [...items].sort((a, b) => positionOf(a) - positionOf(b));
  return ordered.filter(
    (item, index) => index === 0 || positionOf(item) !== positionOf(ordered[index - 1] as T),
  );
}

/** A segment ready to compress and stage: consecutive records of one (kind, minute). */
export interface SegmentDraft extends Omit<SegmentCoordinates, 'digest'> {
  readonly encoded: readonly EncodedRecord[];
  readonly records: number;
  readonly uncompressedBytes: number;
}

/**
 * Groups encoded records by (kind, minute), keeping position order, and cuts each group into
 * segments of at most `maxSegmentBytes` of lines (a single longer line is a segment of its own).
 * The cut depends only on the records, so the same records always give the same segments.
 */
export function cutSegments(
  encoded: readonly EncodedRecord[],
  encoding: string,
  maxSegmentBytes: number,
): SegmentDraft[] {
  const groups = new Map<string, EncodedRecord[]>();
  for (const record of encoded) {
    const key = `${record.kind}|${record.minute}`;
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  const segments: SegmentDraft[] = [];
  for (const group of groups.values()) {
    let current: EncodedRecord[] = [];
    let size = 0;
    const flush = () => {
      const first = current[0];
      const last = current.at(-1);
      if (!first || !last) return;
      segments.push({
        kind: first.kind,
        minute: first.minute,
        first: first.position,
        last: last.position,
        encoding,
        encoded: current,
        records: current.length,
        uncompressedBytes: size,
      });
      current = [];
      size = 0;
    };
    for (const record of group) {
      if (size > 0 && size + record.lineBytes > maxSegmentBytes) flush();
      current.push(record);
      size += record.lineBytes;
    }
    flush();
  }
  return segments;
}

/** The segment's bytes before compression: each record's line and a newline, in one allocation. */
export function joinLines(segment: SegmentDraft): Buffer {
  const joined = Buffer.allocUnsafe(segment.uncompressedBytes);
  let offset = 0;
  for (const record of segment.encoded) {
    for (const chunk of record.chunks)
      offset += typeof chunk === 'string' ? joined.write(chunk, offset) : chunk.copy(joined, offset);
    joined[offset++] = 0x0a;
  }
  return joined;
}
