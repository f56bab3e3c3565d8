import type { TopicConfig } from '../config/schema.js';
import { decompressObject } from '../encode/decompress.js';
import { rowsOfCaptureObject } from './captureRows.js';
import type { RawObject } from './rawObjects.js';
import { type RawRow, rowsOfJsonLines } from './rows.js';

/** The formats compaction turns into Parquet: their records are JSON, or carry JSON bodies. */
export type CompactedFormat = Exclude<TopicConfig['format'], 'raw'>;

/**
 * Why a `raw` topic is not compacted, for the run's summary and log line: raw bodies are not JSON
 * by definition, so there are no columns to infer, and Parquet of opaque bytes would only copy them.
 */
export const RAW_NOT_COMPACTED =
  'format raw: its bodies are not JSON by definition, so it has no columns to compact; its objects stay raw';

/** The names of the objects each format writes (Capture names AvroDeflate files `.avro` too). */
const OBJECT_NAMES: Readonly<Record<CompactedFormat, RegExp>> = {
  jsonl: /\.jsonl(\.gz|\.zst)?$/,
  'avro-capture': /\.avro$/,
};

/** False for an object the topic wrote in another format before its config changed. */
export function holdsRecordsOf(format: CompactedFormat, path: string): boolean {
  return OBJECT_NAMES[format].test(path);
}

/**
 * The rows of one raw object of a topic, lazily. `countBytes` hears the uncompressed bytes read:
 * a JSON-lines object's text at once, a Capture object's datums one by one.
 */
export function rowsOfRawObject(
  format: CompactedFormat,
  envelope: boolean,
  object: RawObject,
  bytes: Buffer,
  countBytes: (bytes: number) => void,
): Iterable<RawRow> {
  if (format === 'avro-capture') return rowsOfCaptureObject(bytes, object.path, object.partition, countBytes);
  const text = decompressObject(object.path, bytes);
  countBytes(text.length);
  return rowsOfJsonLines(text.toString('utf8'), object.path, object.partition, envelope);
}
