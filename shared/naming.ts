import type { TopicConfig } from './config/schema.js';
import { CaptureError } from './errors.js';
import type { ObjectDecision } from './ledger.js';
import { minuteStartMs } from './time.js';

/** Raw objects hold records; dead-letter objects hold what could not be written as a record. */
export type ObjectKind = 'data' | 'deadletter';

export const RAW_PREFIX = 'raw';
export const DEAD_LETTER_PREFIX = 'deadletter';
/** Leading underscore: Spark, Auto Loader and Hive treat such folders as hidden. */
export const STAGING_PREFIX = '_staging';

/** Zero-padded so that names sort like the positions they carry (Kafka pads log segments the same way). */
function padPosition(position: number): string {
  return String(position).padStart(20, '0');
}

/** `.jsonl.gz`, `.jsonl.zst` or `.jsonl`: the encoding of an object, which is also its file extension. */
export function encodingOf(topic: TopicConfig): string {
  const compressionSuffix = { gzip: '.gz', zstd: '.zst', none: '' }[topic.compression];
  return `.${topic.format}${compressionSuffix}`;
}

export interface SegmentCoordinates {
  readonly kind: ObjectKind;
  readonly minute: number;
  readonly first: number;
  readonly last: number;
  readonly encoding: string;
  /** Digest of the staged bytes: two stagings share a name only when they share their content. */
  readonly digest: string;
}

/**
 * Where a segment waits, invisible to readers of the lake, until its minute is sealed. The name holds
 * the segment's coordinates and a digest of its bytes, so whatever two instances stage for the same
 * positions (another config during a deploy, another arrival time), neither can replace the segment
 * the ledger names.
 */
export function stagingPath(topic: string, partition: string, segment: SegmentCoordinates): string {
  const range = `${padPosition(segment.first)}-${padPosition(segment.last)}-${segment.digest}`;
  return `${STAGING_PREFIX}/${topic}/${partition}/${segment.kind}/${segment.minute}/${range}${segment.encoding}`;
}

interface ObjectCoordinates {
  readonly kind: ObjectKind;
  readonly partition: string;
  readonly minute: number;
  /** Position of the first record in the object; distinct objects of a partition never share it. */
  readonly first: number;
  readonly late: boolean;
  readonly encoding: string;
}

/**
 * The visible name of a sealed object: `raw/<layout>/<partition>-<first position>[.late]<encoding>`.
 * Every part comes from the object's coordinates, so sealing the same minute twice names the same object.
 */
function objectPath(topic: TopicConfig, object: ObjectCoordinates): string {
  const prefix = object.kind === 'data' ? RAW_PREFIX : DEAD_LETTER_PREFIX;
  const fileName = `${object.partition}-${padPosition(object.first)}${object.late ? '.late' : ''}${object.encoding}`;
  return `${prefix}/${minuteFolder(topic.layout, topic.name, object.partition, object.minute)}/${fileName}`;
}

/** Names the objects a partition's ledger decides, from the topic's layout at the time of deciding. */
export function objectPathOf(topic: TopicConfig, partition: string): (object: ObjectDecision) => string {
  return (object) => objectPath(topic, { ...object, partition, first: object.segments[0]?.first ?? 0 });
}

/** Expands a layout template for one (partition, minute). Topic and partition are validated upstream. */
function minuteFolder(layout: string, topic: string, partition: string, minute: number): string {
  const start = new Date(minuteStartMs(minute));
  const pad = (value: number) => String(value).padStart(2, '0');
  const tokens: Record<string, string> = {
    '{topic}': topic,
    '{partition}': partition,
    '{yyyy}': String(start.getUTCFullYear()).padStart(4, '0'),
    '{MM}': pad(start.getUTCMonth() + 1),
    '{dd}': pad(start.getUTCDate()),
    '{HH}': pad(start.getUTCHours()),
    '{mm}': pad(start.getUTCMinutes()),
  };
  return layout.replace(/\{[A-Za-z]+\}/g, (token) => tokens[token] ?? token);
}

/**
 * Stores stage and delete only under the staging prefix: a bug that passed a visible object's name
 * would otherwise rewrite or remove it, which the contract forbids.
 */
export function assertStagingPath(path: string): void {
  if (!path.startsWith(`${STAGING_PREFIX}/`)) {
    throw new CaptureError(
      `refusing to stage or delete ${path}: staged segments live under ${STAGING_PREFIX}/, anything else may be a visible object`,
      { retriable: false },
    );
  }
}
