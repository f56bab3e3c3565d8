import type { TopicConfig } from './config/schema.js';
import { CaptureError } from './errors.js';
import { minuteStartMs } from './time.js';

/** Raw objects hold records; dead-letter objects hold what could not be written as a record. */
export type ObjectKind = 'data' | 'deadletter';

export const RAW_PREFIX = 'raw';
export const DEAD_LETTER_PREFIX = 'deadletter';
/** Leading underscore: Spark, Auto Loader and Hive treat such folders as hidden. */
export const STAGING_PREFIX = '_staging';

/** Zero-padded so that names sort like the positions they carry (Kafka pads log segments the same way). */
export function padPosition(position: number): string {
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
}

/**
 * Where a segment waits, invisible to readers of the lake, until its minute is sealed. The name is a
 * function of the coordinates only, so a redelivered batch stages to the same name.
 */
export function stagingPath(topic: string, partition: string, segment: SegmentCoordinates): string {
  const range = `${padPosition(segment.first)}-${padPosition(segment.last)}`;
  return `${STAGING_PREFIX}/${topic}/${partition}/${segment.kind}/${segment.minute}/${range}${segment.encoding}`;
}

export interface ObjectCoordinates {
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
export function objectPath(topic: TopicConfig, object: ObjectCoordinates): string {
  const prefix = object.kind === 'data' ? RAW_PREFIX : DEAD_LETTER_PREFIX;
  const fileName = `${object.partition}-${padPosition(object.first)}${object.late ? '.late' : ''}${object.encoding}`;
  return `${prefix}/${minuteFolder(topic.layout, topic.name, object.partition, object.minute)}/${fileName}`;
}

/** Expands a layout template for one (partition, minute). Topic and partition are validated upstream. */
export function minuteFolder(layout: string, topic: string, partition: string, minute: number): string {
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
