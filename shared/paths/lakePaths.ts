import type { TopicConfig } from '../config/schema.js';
import type { ObjectKind, SegmentCoordinates } from '../coordinates.js';
import { CaptureError } from '../errors.js';
import type { ObjectDecision } from '../ledger.js';
import { GENERATION_MARK, layoutPath, padPosition } from './layoutPath.js';
import { pathSegment } from './pathSegment.js';

export const RAW_PREFIX = 'raw';
export const DEAD_LETTER_PREFIX = 'deadletter';
/** Leading underscore: Spark, Auto Loader and Hive treat such folders as hidden. */
export const STAGING_PREFIX = '_staging';

/** Compacted tables live apart from raw objects, so a reader uses one or the other for an hour. */
export const COMPACTED_PREFIX = 'compacted';

/**
 * An Iceberg table's version hint (`metadata/version-hint.text`): the one control object whose name
 * the format fixes, so it cannot hide behind a `_`. Readers take it as a hint only and look past it.
 */
export const ICEBERG_VERSION_HINT = 'metadata/version-hint.text';

/**
 * Refuses a path `ObjectStore.replace` must not write: only control objects of the compacted lake,
 * below a `_`-prefixed folder or with a `_`-prefixed name (which engines treat as hidden), or an
 * Iceberg table's version hint, are ever replaced, so no data object can be.
 */
export function assertControlPath(path: string): void {
  const segments = path.split('/');
  const control =
    segments.slice(1).some((segment) => segment.startsWith('_')) || path.endsWith(`/${ICEBERG_VERSION_HINT}`);
  if (segments[0] !== COMPACTED_PREFIX || !control) {
    throw new CaptureError(
      `${path} is not a control object of the compacted lake: only those are ever replaced`,
      { retriable: false },
    );
  }
}

/**
 * Refuses a path `ObjectStore.deleteTableMetadata` must not remove: only an Iceberg table's own
 * metadata files (`compacted/<topic>/metadata/<name>.avro` or `.metadata.json`), which its
 * maintenance found no snapshot or metadata log refers to, are ever deleted, never a data file.
 */
export function assertTableMetadataPath(path: string): void {
  const segments = path.split('/');
  const metadataFile =
    segments[0] === COMPACTED_PREFIX &&
    segments.at(-2) === 'metadata' &&
    !segments.some((segment) => segment.startsWith('_')) &&
    /\.(avro|metadata\.json)$/.test(path);
  if (!metadataFile) {
    throw new CaptureError(
      `refusing to delete ${path}: only an Iceberg table's metadata files are ever deleted, never data or control objects`,
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
  const generation = object.segments[0]?.generation;
  return `${stagingFolder(topic, partition, { ...object, generation })}/${padPosition(first)}-header${object.encoding}`;
}

/**
 * `_staging/<topic>/<partition>/[g<generation>/]<kind>/<minute>`: a later generation's segments sit in
 * a folder of their own, so they never share a name with an earlier generation's at the same positions.
 */
function stagingFolder(
  topic: string,
  partition: string,
  at: { kind: ObjectKind; minute: number; generation?: number | undefined },
): string {
  const generation = at.generation ? `/${GENERATION_MARK}${at.generation}` : '';
  return `${stagingPartitionFolder(topic, partition)}${generation}/${at.kind}/${at.minute}`;
}

/** The folder of a partition's staged segments, every generation's: what a missing ledger leaves behind. */
export function stagingPartitionFolder(topic: string, partition: string): string {
  return `${STAGING_PREFIX}/${pathSegment(topic)}/${pathSegment(partition)}`;
}

/**
 * The visible name of a sealed object: the raw or dead-letter prefix, then the topic's layout (see
 * {@link layoutPath}). Every part comes from the object's coordinates, so sealing the same minute
 * twice names the same object.
 */
export function objectPathOf(topic: TopicConfig, partition: string): (object: ObjectDecision) => string {
  return (object) => {
    const prefix = object.kind === 'data' ? RAW_PREFIX : DEAD_LETTER_PREFIX;
    const [head] = object.segments;
    return `${prefix}/${layoutPath(topic, { ...object, partition, first: head?.first ?? 0, generation: head?.generation })}`;
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

/** Writer schemas met by ingestion, for compaction and readers; hidden from Spark and Auto Loader by its `_`. */
export const SCHEMAS_PREFIX = '_schemas';

/**
 * Where a topic's writer schema of one registry id is kept: `_schemas/<topic>/<kind>-<id>.json`. A
 * registry id names one schema forever, so the file is written once and never changes.
 */
export function schemaFilePath(topic: string, registry: string, id: string): string {
  return `${SCHEMAS_PREFIX}/${pathSegment(topic)}/${pathSegment(`${registry}-${id}`)}.json`;
}

/** Where a schema file waits to be published; the digest keeps two instances' candidates apart. */
export function schemaFileStagingPath(topic: string, registry: string, id: string, digest: string): string {
  return `${STAGING_PREFIX}/schemas/${pathSegment(topic)}/${pathSegment(`${registry}-${id}`)}-${digest}.json`;
}
