import { createHash } from 'node:crypto';
import type { SegmentDraft } from '../batcher.js';
import type { ObjectKind } from '../coordinates.js';
import type { ObjectDecision } from '../ledger.js';
import { headerStagingPath } from '../paths/lakePaths.js';
import { type AvroCodec, containerHeader, dataBlock, SYNC_MARKER_BYTES } from './avroBinary.js';
import { CAPTURE_SCHEMA_JSON } from './captureEventData.js';
import { chunkBuffers } from './encodedRecord.js';
import { avroCodecOf } from './encodings.js';

/**
 * How the segments of one object become one Avro container file. Segments are staged on their own,
 * possibly by different invocations, and the object is their concatenation. So every segment is
 * complete data blocks ending in the object's sync marker, and the header, which must come once
 * before them, is staged by whoever publishes the object and put first.
 *
 * The sync marker cannot be random: every segment of the object must carry the same one before the
 * object is decided. It is a digest of what all of them share (topic, partition, kind, minute,
 * encoding), so it is the same for every segment, every invocation and every retry, and the header's
 * bytes are the same whoever stages it. A main and a late object of one minute share the marker;
 * markers only need to be constant within a file.
 */
function syncMarkerOf(
  topic: string,
  partition: string,
  at: { readonly kind: ObjectKind; readonly minute: number; readonly encoding: string },
): Buffer {
  return createHash('sha256')
    .update(JSON.stringify(['avro-sync-marker', topic, partition, at.kind, at.minute, at.encoding]))
    .digest()
    .subarray(0, SYNC_MARKER_BYTES);
}

/** A segment of an Avro object: its records as one data block. */
export function captureSegment(
  topic: string,
  partition: string,
  draft: SegmentDraft,
  codec: AvroCodec,
): Promise<Buffer> {
  const datums = chunkBuffers(draft.encoded);
  return dataBlock(datums, draft.records, codec, syncMarkerOf(topic, partition, draft));
}

/**
 * What an object must start with and where it is staged, or undefined when its encoding needs
 * nothing before its segments (every encoding but Avro). The bytes depend only on the object's
 * coordinates, so staging them again after a crash writes the same file under the same name.
 */
export function objectHeaderOf(
  topic: string,
  partition: string,
  object: ObjectDecision,
): { readonly path: string; readonly bytes: Buffer } | undefined {
  const codec = avroCodecOf(object.encoding);
  if (codec === undefined) return undefined;
  return {
    path: headerStagingPath(topic, partition, object),
    bytes: containerHeader(CAPTURE_SCHEMA_JSON, codec, syncMarkerOf(topic, partition, object)),
  };
}
