import { CaptureError } from '../errors.js';
import { STAGING_PREFIX } from '../paths/lakePaths.js';
import { pathSegment } from '../paths/pathSegment.js';
import type { ObjectStore } from '../store.js';
import { HOUR_MS, hourFolder } from './hours.js';
import type { ColumnSchema, SchemaChange } from './schema.js';

/** Compacted files live apart from raw objects, so a reader uses one or the other for an hour. */
export const COMPACTED_PREFIX = 'compacted';
const MANIFEST_FORMAT = 'stream-capture.compaction-manifest/1';

/** A raw object a manifest covers: its rows and, with an envelope, its positions. */
export interface CoveredRawObject {
  readonly path: string;
  readonly partition: string;
  readonly rows: number;
  readonly firstPosition: number | null;
  readonly lastPosition: number | null;
}

export interface CompactedFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly rowGroups: number;
}

/**
 * What makes a compaction of an hour visible. Written last: a reader takes the files a manifest lists
 * and nothing else in the folder. `rawObjects` is what later runs consult to compact only raw objects
 * no manifest covers yet (late ones).
 */
export interface CompactionManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly topic: string;
  readonly hour: string;
  readonly group: string;
  readonly sequence: number;
  readonly schema: string;
  readonly files: readonly CompactedFile[];
  readonly rawObjects: readonly CoveredRawObject[];
  /** Per partition: rows and the lowest and highest position (null without an envelope). */
  readonly offsets: Readonly<Record<string, { rows: number; first: number | null; last: number | null }>>;
}

/** The hour's schema file: its columns and what changed, beside the data it describes. */
export interface SchemaFile {
  readonly topic: string;
  readonly hour: string;
  readonly group: string;
  readonly sequence: number;
  readonly columns: readonly ColumnSchema[];
  readonly changes: readonly SchemaChange[];
}

/** One compaction unit: an hour of a topic for one partition group, and its sequence number. */
export interface CompactionUnit {
  readonly topic: string;
  readonly hour: number;
  readonly group: string;
  readonly sequence: number;
}

export function hourPrefix(topic: string, hour: number): string {
  return `${COMPACTED_PREFIX}/${pathSegment(topic)}/${hourFolder(hour)}/`;
}

export function manifestPath(unit: CompactionUnit): string {
  return `${hourPrefix(unit.topic, unit.hour)}_manifest-${unit.group}-${unit.sequence}.json`;
}

export function schemaPath(unit: CompactionUnit): string {
  return `${hourPrefix(unit.topic, unit.hour)}_schema-${unit.group}-${unit.sequence}.json`;
}

/** Fixes a unit's raw objects before its files are published (see `claimUnitInputs`); hidden from engines by its `_`. */
export function claimPath(unit: CompactionUnit): string {
  return `${hourPrefix(unit.topic, unit.hour)}_claim-${unit.group}-${unit.sequence}.json`;
}

/** `part-<group>-<sequence>-<file>-<digest of the inputs>`: the same inputs always name the same file. */
export function dataFilePath(unit: CompactionUnit, fileIndex: number, inputDigest: string): string {
  return `${hourPrefix(unit.topic, unit.hour)}part-${unit.group}-${unit.sequence}-${fileIndex}-${inputDigest}.parquet`;
}

/**
 * Where a unit's files wait, invisible, until published: the data files' row groups (`part-<file>-<chunk>`),
 * the schema and the manifest. Named by the inputs' digest, so a rerun restages the same names.
 */
export function unitStagingPath(unit: CompactionUnit, inputDigest: string, name: string): string {
  const hour = `${STAGING_PREFIX}/compaction/${pathSegment(unit.topic)}/${hourFolder(unit.hour)}`;
  return `${hour}/${unit.group}-${unit.sequence}-${inputDigest}/${name}`;
}

export function hourIso(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString();
}

const MANIFEST_NAME = /\/_manifest-(.+)-(\d+)\.json$/;

/** Every manifest of the hour (all partition groups), read. */
export async function readManifestsOfHour(
  objects: ObjectStore,
  topic: string,
  hour: number,
): Promise<CompactionManifest[]> {
  const paths = (await objects.list(hourPrefix(topic, hour))).filter((path) => MANIFEST_NAME.test(path));
  const manifests: CompactionManifest[] = [];
  for (const path of paths) manifests.push(parseManifest(path, await objects.read(path)));
  return manifests;
}

export function parseManifest(path: string, bytes: Buffer): CompactionManifest {
  const manifest = JSON.parse(bytes.toString('utf8')) as CompactionManifest;
  if (manifest.format !== MANIFEST_FORMAT) {
    throw new CaptureError(`${path} is not a compaction manifest of format ${MANIFEST_FORMAT}`, {
      retriable: false,
    });
  }
  return manifest;
}

export function newManifest(fields: Omit<CompactionManifest, 'format'>): CompactionManifest {
  return { format: MANIFEST_FORMAT, ...fields };
}
