import type { TopicConfig } from '../config/schema.js';
import type { ObjectKind, SegmentCoordinates } from '../coordinates.js';
import { CaptureError } from '../errors.js';
import type { ObjectDecision } from '../ledger.js';
import { layoutPath, padPosition } from './layoutPath.js';
import { pathSegment } from './pathSegment.js';

export const RAW_PREFIX = 'raw';
export const DEAD_LETTER_PREFIX = 'deadletter';
/** Leading underscore: Spark, Auto Loader and Hive treat such folders as hidden. */
export const STAGING_PREFIX = '_staging';

/** Compacted tables live apart from raw objects, so a reader uses one or the other for an hour. */
export const COMPACTED_PREFIX = 'compacted';

/**
 * Refuses a path `ObjectStore.replace` must not write: only control objects of the compacted lake,
 * below a `_`-prefixed folder or with a `_`-prefixed name (which engines treat as hidden), are ever
 * replaced, so no data object can be.
 */
export function assertControlPath(path: string): void {
  const segments = path.split('/');
  if (segments[0] !== COMPACTED_PREFIX || !segments.slice(1).some((segment) => segment.startsWith('_'))) {
    throw new CaptureError(
      `${path} is not a control object of the compacted lake: only those are ever replaced`,
      { retriable: false },
    );
  }
}

/**
 * Where a segment waits, invisible to readers of the lake, until its minute is sealed. The name holds
 * the segment's coordinates and a digest of its bytes, so whatever two instances stage for the same
 * positions (another config during a deploy, another arrival time), neither can replace the segment
 * the ledger names.
 */
export function stagingPath(topic: string, partition: string, segment: SegmentCoordinates): string {
  const range = `${padPosition(segment.first)}-${padPosition(segment.last)}-${segment.digest}`;
  return `${stagingFolder(topic, partition, segment)}/${range}${segment.encoding}`;
}

/**
 * Where the bytes an object starts with (an Avro file's header) wait for its publishing: beside its
 * segments, named after the object's first position, so each object has its own and deleting one
 * object's staged files never takes another's.
 */
export function headerStagingPath(topic: string, partition: string, object: ObjectDecision): string {
  const first = object.segments[0]?.first ?? 0;
  return `${stagingFolder(topic, partition, object)}/${padPosition(first)}-header${object.encoding}`;
}

function stagingFolder(topic: string, partition: string, at: { kind: ObjectKind; minute: number }): string {
  return `${STAGING_PREFIX}/${pathSegment(topic)}/${pathSegment(partition)}/${at.kind}/${at.minute}`;
}

/**
 * The visible name of a sealed object: the raw or dead-letter prefix, then the topic's layout (see
 * {@link layoutPath}). Every part comes from the object's coordinates, so sealing the same minute
 * twice names the same object.
 */
export function objectPathOf(topic: TopicConfig, partition: string): (object: ObjectDecision) => string {
  return (object) => {
    const prefix = object.kind === 'data' ? RAW_PREFIX : DEAD_LETTER_PREFIX;
    return `${prefix}/${layoutPath(topic, { ...object, partition, first: object.segments[0]?.first ?? 0 })}`;
  };
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
