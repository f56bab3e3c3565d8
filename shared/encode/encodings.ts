import type { TopicConfig } from '../config/schema.js';
import type { ObjectKind } from '../coordinates.js';

/**
 * How the bytes of a staged segment and of its object are laid out, as a suffix: `.jsonl.gz`,
 * `.avro`, `.raw.zst`. Segments join an object only with segments of the same encoding, so the
 * suffix names everything a reader needs to know, the Avro codec included.
 */
type Encoding = string;

const COMPRESSION_SUFFIX = { gzip: '.gz', zstd: '.zst', none: '' } as const;

/** Avro data objects: Capture's `Avro` (codec null) and `AvroDeflate` (codec deflate). */
const AVRO_NULL = '.avro';
const AVRO_DEFLATE = '.deflate.avro';
/** Raw bodies, one per line. */
const RAW_LINES = '.raw';
/** Raw bodies, each after its length as a 4-byte big-endian unsigned integer. */
const RAW_LENGTH_PREFIXED = '.rawlp';

/** The encoding of a topic's data objects for its current config. */
export function encodingOf(topic: TopicConfig): Encoding {
  const compression = COMPRESSION_SUFFIX[topic.compression];
  switch (topic.format) {
    case 'jsonl':
      return `.jsonl${compression}`;
    case 'avro-capture':
      // The config refuses zstd for Avro: Capture's readers know null and deflate only.
      return topic.compression === 'none' ? AVRO_NULL : AVRO_DEFLATE;
    case 'raw':
      return `${topic.raw.delimiter === 'newline' ? RAW_LINES : RAW_LENGTH_PREFIXED}${compression}`;
  }
}

/**
 * Dead letters are JSON lines in every format: each carries its reason and coordinates beside the
 * original bytes, which neither Capture's schema nor a raw body has room for.
 */
export function deadLetterEncodingOf(topic: TopicConfig): Encoding {
  return `.jsonl${COMPRESSION_SUFFIX[topic.compression]}`;
}

export function encodingOfKind(topic: TopicConfig, kind: ObjectKind): Encoding {
  return kind === 'data' ? encodingOf(topic) : deadLetterEncodingOf(topic);
}

/** The Avro codec of an Avro encoding, or undefined for every other encoding. */
export function avroCodecOf(encoding: Encoding): 'null' | 'deflate' | undefined {
  return encoding === AVRO_NULL ? 'null' : encoding === AVRO_DEFLATE ? 'deflate' : undefined;
}

/** True when records follow each other with no line feed between them (each carries its own length). */
export function isLengthPrefixed(encoding: Encoding): boolean {
  return encoding.startsWith(RAW_LENGTH_PREFIXED);
}

/**
 * The extension of an object's name. Capture names every file `.avro`, whatever its codec (the codec is
 * in the file's header), and so do we; every other encoding is its own extension.
 */
export function fileExtensionOf(encoding: Encoding): string {
  return avroCodecOf(encoding) === undefined ? encoding : AVRO_NULL;
}
