import { STAGING_PREFIX } from '../paths/lakePaths.js';
import { pathSegment } from '../paths/pathSegment.js';
import { HOUR_MS, hourFolder } from './hours.js';
import { tableRootOf } from './tableLayout.js';

/** One compaction unit: an hour of a topic for one partition group, and its sequence number. */
export interface CompactionUnit {
  readonly topic: string;
  readonly hour: number;
  readonly group: string;
  readonly sequence: number;
}

/** The hour's folder in the topic's table: its data files, and the units' claims and reports. */
export function hourPrefix(topic: string, hour: number): string {
  return `${tableRootOf(topic)}${hourFolder(hour)}/`;
}

/** Fixes a unit's raw objects before its files are published (see `claimUnitInputs`); hidden from engines by its `_`. */
export function claimPath(unit: CompactionUnit): string {
  return `${hourPrefix(unit.topic, unit.hour)}_claim-${unit.group}-${unit.sequence}.json`;
}

/**
 * Says the table holds the unit's commit (see `markCommitted`), written once the commit is known, so
 * the unit stays known committed after table maintenance expires the snapshot that says so.
 */
export function committedPath(unit: CompactionUnit): string {
  return `${hourPrefix(unit.topic, unit.hour)}_committed-${unit.group}-${unit.sequence}.json`;
}

/** What a unit wrote and why (see `UnitReport`); hidden from engines by its `_`. */
export function reportPath(unit: CompactionUnit): string {
  return `${hourPrefix(unit.topic, unit.hour)}_unit-${unit.group}-${unit.sequence}.json`;
}

/** `part-<group>-<sequence>-<file>-<digest of the inputs>`: the same inputs always name the same file. */
export function dataFilePath(unit: CompactionUnit, fileIndex: number, inputDigest: string): string {
  return `${hourPrefix(unit.topic, unit.hour)}part-${unit.group}-${unit.sequence}-${fileIndex}-${inputDigest}.parquet`;
}

/**
 * Where a unit's files wait, invisible, until published: the data files' row groups (`part-<file>-<chunk>`)
 * and the report. Named by the inputs' digest, so a rerun restages the same names.
 */
export function unitStagingPath(unit: CompactionUnit, inputDigest: string, name: string): string {
  const hour = `${STAGING_PREFIX}/compaction/${pathSegment(unit.topic)}/${hourFolder(unit.hour)}`;
  return `${hour}/${unit.group}-${unit.sequence}-${inputDigest}/${name}`;
}

export function hourIso(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString();
}

const UNIT_FILE_NAMES = {
  claim: /\/_claim-(.+)-(\d+)\.json$/,
  report: /\/_unit-(.+)-(\d+)\.json$/,
  committed: /\/_committed-(.+)-(\d+)\.json$/,
} as const;

/** The group and sequence a claim's, a report's or a commit marker's path names, or null for any other path. */
export function unitNamedBy(
  path: string,
  kind: keyof typeof UNIT_FILE_NAMES,
): { group: string; sequence: number } | null {
  const match = UNIT_FILE_NAMES[kind].exec(path);
  return match ? { group: match[1] as string, sequence: Number(match[2]) } : null;
}
