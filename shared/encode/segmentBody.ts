import { joinLines, type SegmentDraft } from '../batcher.js';
import type { TopicConfig } from '../config/schema.js';
import { captureSegment } from './captureContainer.js';
import { compressMember } from './compress.js';
import { chunkBuffers } from './encodedRecord.js';
import { avroCodecOf, isLengthPrefixed } from './encodings.js';

/**
 * The bytes staged for one segment, self-contained so that segments concatenate into a valid object:
 * Avro data blocks (compressed inside, by the codec), or lines or length-prefixed bodies compressed
 * into one gzip member or zstd frame.
 */
export function segmentBody(topic: TopicConfig, partition: string, draft: SegmentDraft): Promise<Buffer> {
  const codec = avroCodecOf(draft.encoding);
  if (codec !== undefined) return captureSegment(topic.name, partition, draft, codec);
  const uncompressed = isLengthPrefixed(draft.encoding)
    ? Buffer.concat(chunkBuffers(draft.encoded), draft.uncompressedBytes)
    : joinLines(draft);
  return compressMember(uncompressed, topic.compression);
}
