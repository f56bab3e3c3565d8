import { createHash } from 'node:crypto';
import type { TopicConfig } from '../config/schema.js';
import { CaptureError } from '../errors.js';
import { EMPTY_LEDGER, type PartitionLedger } from '../ledger.js';
import type { CaptureContext } from '../pipeline/context.js';
import type { MaintenancePolicy } from '../tables/iceberg/maintainTable.js';
import { addUnitResult, type CompactionSummary, emptyCompactionSummary } from './compactionSummary.js';
import type { CompactionTable } from './compactionTable.js';
import { deltaCompactionTable } from './deltaTable.js';
import { RAW_NOT_COMPACTED } from './formats.js';
import { HOUR_MS, hourOf, partitionDoneWithHour } from './hours.js';
import { type IcebergTarget, icebergCompactionTable } from './icebergTable.js';
import { clearMarkers, LATE_LOOKBACK_HOURS, markedHours } from './lateMarkers.js';
import { compactNextUnit, type UnitOutcome } from './nextUnit.js';
import { oldestRawHour } from './oldestRawHour.js';
import { listRawObjectsOfHour } from './rawObjects.js';
import type { CompactionLimits } from './unitFiles.js';
import { readWatermark, writeWatermark } from './watermark.js';

export interface CompactionOptions {
  /** The partition group this run compacts (one invocation per group fans a big topic out); default all. */
  readonly partitions?: readonly string[];
  /** At most this many hours get new files in one run, oldest first; the rest wait for the next (default {@link DEFAULT_MAX_HOURS}). */
  readonly maxHours?: number;
  /** How many hours back a run looks for closed hours and late objects (default {@link LATE_LOOKBACK_HOURS}). */
  readonly lookbackHours?: number;
  /** Where a topic with `compaction.table: iceberg` records its table; required for such a topic. */
  readonly iceberg?: IcebergTarget;
}

/** Roll a new file after this much Parquet: hundreds of MB at volume, one file for a small hour. */
export const TARGET_FILE_BYTES = 256 * 1024 * 1024;
/**
 * JSON bytes per row group: what a compaction holds in memory (as parsed rows, a few times this), so
 * it fits a 1 GB Lambda or Flex Consumption instance with room to spare.
 */
export const ROW_GROUP_INPUT_BYTES = 32 * 1024 * 1024;
/**
 * Hours a run commits at most: a day of backlog fits one run of a function's time limit, and a
 * longer outage is caught up over the next hourly runs, oldest first.
 */
export const DEFAULT_MAX_HOURS = 24;
/**
 * How far past its watermark a group looks on a run, besides the lookback: after an outage it works
 * through the oldest three days first, and an hour that stays open there holds back no later one.
 */
export const CATCH_UP_HOURS = 72;

const DEFAULT_LIMITS: CompactionLimits = {
  targetFileBytes: TARGET_FILE_BYTES,
  rowGroupInputBytes: ROW_GROUP_INPUT_BYTES,
};

/** At most this many partitions are spelled out in a group's name; more are named by a digest. */
const NAMED_GROUP_PARTITIONS = 8;

/**
 * The scheduled compaction of one partition group: every closed hour whose raw objects are not all
 * in the topic's table (Delta, or Iceberg with `compaction.table: iceberg`) gets a unit (see `compactUnit`) committed to it, oldest first, at most
 * `maxHours` a run. A run visits the last `lookbackHours` (late objects), the hours from the group's
 * watermark on (an outage longer than the lookback is caught up from where the group stopped), and
 * hours whose late objects came after the lookback (their sealers left markers); then it moves the
 * watermark past the hours it found complete and reports the backlog. Raw objects are never deleted.
 *
 * JSON-lines and `avro-capture` topics: with `jsonl.envelope: true`, and always for Capture's Avro,
 * rows carry partition, offset, position, broker time, key and headers (see `rowsOfCaptureObject`);
 * without an envelope a line is just the body, so `_offset`, `_position` and `_timestamp` are null
 * and only row counts can be verified. A `raw` topic is not compacted: the run returns at once with
 * `notCompacted` saying why.
 *
 * @example
 * const summary = await compactClosedHours(context, { partitions: ['0', '1', '2', '3'] });
 */
export async function compactClosedHours(
  context: CaptureContext,
  options: CompactionOptions = {},
  limits: CompactionLimits = DEFAULT_LIMITS,
): Promise<CompactionSummary> {
  const summary = emptyCompactionSummary();
  const { topic, store } = context;
  if (topic.format === 'raw') return { ...summary, notCompacted: RAW_NOT_COMPACTED };
  const now = context.clock();
  const partitions = sortPartitions(options.partitions ?? (await store.ledger.partitions(topic.name)));
  const group = groupName(options.partitions === undefined ? null : partitions);
  // Ledgers are read before any listing: an hour they show closed had all its objects visible then.
  const ledgers = new Map<string, PartitionLedger>();
  for (const partition of partitions) {
    const { state } = await store.ledger.read(topic.name, partition);
    ledgers.set(partition, state ?? EMPTY_LEDGER);
  }
  const table = openTable(context, options.iceberg);
  let snapshot = await table.load();
  const sealDelayMs = topic.sealDelaySeconds * 1000;
  const currentHour = hourOf(now);
  const lookbackStart = currentHour - (options.lookbackHours ?? LATE_LOOKBACK_HOURS);
  const recorded = await readWatermark(store.objects, topic.name, group);
  // A group's first run starts at the topic's oldest raw hour, so what was captured before
  // compaction was deployed is compacted too, not left beyond the lookback.
  const oldest = recorded === null ? await oldestRawHour(store.objects, topic, partitions) : null;
  const watermark = recorded ?? Math.min(lookbackStart, oldest ?? lookbackStart);
  const markers = await markedHours(store.objects, topic.name);
  const maxHours = options.maxHours ?? DEFAULT_MAX_HOURS;
  const complete = new Set<number>();
  // An hour that fails (a damaged raw object, a store fault) does not hold back the hours after it;
  // the run still fails, with the first error, so the failure shows and the next run retries it.
  let firstFailure: { error: unknown } | undefined;
  for (const hour of hoursToVisit(watermark, lookbackStart, currentHour, markers.keys())) {
    if (summary.hoursCompacted >= maxHours) break;
    const closed = partitions.every((partition) =>
      partitionDoneWithHour(ledgers.get(partition) ?? EMPTY_LEDGER, hour, now, sealDelayMs),
    );
    try {
      const rawObjects = await listRawObjectsOfHour(store.objects, topic, hour, partitions);
      // A unit whose claim (a concurrent run's) left some of our objects out is followed by the next unit.
      let outcome: UnitOutcome<unknown> = { kind: 'covered' };
      while (rawObjects.length > 0) {
        outcome = await compactNextUnit(
          table,
          context,
          snapshot,
          { hour, group, partitions, closed, rawObjects, format: topic.format },
          limits,
        );
        if (outcome.kind !== 'compacted') break;
        snapshot = outcome.snapshot;
        addUnitResult(summary, outcome.result);
        if (!outcome.more) break;
      }
      if (outcome.kind === 'waiting') {
        summary.hoursWaiting++;
        summary.rawObjectsPending += outcome.uncovered;
      } else if (closed) complete.add(hour);
      if (markers.has(hour) && hour < lookbackStart) summary.lateHoursFound++;
    } catch (error) {
      firstFailure ??= { error };
    }
  }
  let completeBefore = watermark;
  while (completeBefore < currentHour && complete.has(completeBefore)) completeBefore++;
  if (recorded === null || completeBefore > watermark) {
    await writeWatermark(store.objects, topic.name, group, completeBefore);
  }
  await clearMarkers(
    store.objects,
    [...markers].flatMap(([hour, paths]) => (complete.has(hour) ? paths : [])),
  );
  summary.hoursBehind = currentHour - completeBefore;
  // Last, so upkeep never holds back an hour; every group's run may do it, and a second finds it
  // done. A failed hour does not hold it back either (its units are in the table or not, and
  // markers come first), but the hour's error is the one the run fails with.
  try {
    const maintained = await table.maintain?.(snapshot, now);
    if (maintained) {
      summary.snapshotsExpired = maintained.result.snapshotsExpired;
      summary.metadataFilesDeleted = maintained.result.filesDeleted;
    }
  } catch (error) {
    firstFailure ??= { error };
  }
  if (firstFailure) throw firstFailure.error;
  return summary;
}

/** The topic's table in the format its config chooses. */
function openTable(
  { topic, store }: CaptureContext,
  iceberg: IcebergTarget | undefined,
): CompactionTable<unknown> {
  if (topic.compaction.table === 'delta') return deltaCompactionTable(store.objects, topic.name);
  if (!iceberg) {
    throw new CaptureError(
      `compaction of ${topic.name}: compaction.table is iceberg, but this runtime gives compaction no Iceberg catalog`,
      { retriable: false },
    );
  }
  return icebergCompactionTable(store.objects, topic.name, iceberg, maintenancePolicy(topic, iceberg));
}

/** The topic's table maintenance, or null where it is off (see the config's `compaction.maintenance`). */
function maintenancePolicy(topic: TopicConfig, iceberg: IcebergTarget): MaintenancePolicy | null {
  const { enabled, snapshotMaxAgeHours, minSnapshotsToKeep, orphanMinAgeHours } =
    topic.compaction.maintenance;
  if (!(enabled ?? !iceberg.catalogMaintains)) return null;
  return {
    snapshotMaxAgeMs: snapshotMaxAgeHours * HOUR_MS,
    minSnapshotsToKeep,
    orphanMinAgeMs: orphanMinAgeHours * HOUR_MS,
  };
}

/**
 * The hours a run visits, oldest first: a catch-up window from the watermark (up to the lookback),
 * the lookback itself, and the hours markers name.
 */
function hoursToVisit(
  watermark: number,
  lookbackStart: number,
  currentHour: number,
  marked: Iterable<number>,
): number[] {
  const hours = new Set<number>();
  for (let hour = watermark; hour < Math.min(watermark + CATCH_UP_HOURS, lookbackStart); hour++)
    hours.add(hour);
  for (let hour = lookbackStart; hour < currentHour; hour++) hours.add(hour);
  for (const hour of marked) if (hour < currentHour) hours.add(hour);
  return [...hours].sort((a, b) => a - b);
}
function sortPartitions(partitions: readonly string[]): string[] {
  return [...new Set(partitions)].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A partition group's name, part of its files' names: `all` for a run over every partition, else the
 * partitions (`p0.1.2.3`) or, for a big group, a digest of them. Group runs over the same hour write
 * disjoint files and commit their own units.
 */
function groupName(partitions: readonly string[] | null): string {
  if (partitions === null) return 'all';
  if (partitions.length <= NAMED_GROUP_PARTITIONS) return `p${partitions.join('.')}`;
  return `g${createHash('sha256').update(partitions.join(',')).digest('hex').slice(0, 12)}`;
}
