import { createHash } from 'node:crypto';
import { CaptureError } from '../errors.js';
import { EMPTY_LEDGER, type PartitionLedger } from '../ledger.js';
import type { CaptureContext } from '../pipeline/context.js';
import { loadSnapshot } from '../tables/delta/readSnapshot.js';
import type { DeltaSnapshot } from '../tables/delta/tableState.js';
import { claimUnitInputs, readClaim, type UnitClaim } from './claim.js';
import { compactUnit, isCommitted, type UnitResult } from './compactUnit.js';
import { type CompactedFormat, holdsRecordsOf, RAW_NOT_COMPACTED } from './formats.js';
import { hourOf, partitionDoneWithHour } from './hours.js';
import { listRawObjectsOfHour, type RawObject } from './rawObjects.js';
import { tableRootOf } from './tableLayout.js';
import type { CompactionLimits } from './unitFiles.js';
import { type CompactionUnit, hourPrefix, unitNamedBy } from './unitPaths.js';
import { type CoveredRawObject, parseUnitReport } from './unitReport.js';

export interface CompactionSummary {
  /** (topic, hour) units that got a new file this run. */
  hoursCompacted: number;
  filesWritten: number;
  rowsWritten: number;
  rawObjectsRead: number;
  /** Uncompressed bytes read: JSON lines' text, Capture Avro's datums. */
  rawBytesRead: number;
  /** Parquet bytes. */
  bytesWritten: number;
  /** Schema decisions: fields added to the table, paths widened or kept as JSON text, values rescued. */
  schemaChanges: number;
  /** Rows with a value that fits no column, kept in `_rescued_data`. */
  rescuedRows: number;
  /** Hours seen but not yet closed (some minute unsealed). */
  hoursWaiting: number;
  /** Why the run compacted nothing by design (a `raw` topic), so the log line says so; absent otherwise. */
  notCompacted?: string;
}

export interface CompactionOptions {
  /** The partition group this run compacts (one invocation per group fans a big topic out); default all. */
  readonly partitions?: readonly string[];
  /** At most this many hours get new files in one run; the rest wait for the next. */
  readonly maxHours?: number;
  /** How many hours back a run looks for closed hours and late objects (default {@link LATE_LOOKBACK_HOURS}). */
  readonly lookbackHours?: number;
}

/** Roll a new file after this much Parquet: hundreds of MB at volume, one file for a small hour. */
export const TARGET_FILE_BYTES = 256 * 1024 * 1024;
/**
 * JSON bytes per row group: what a compaction holds in memory (as parsed rows, a few times this), so
 * it fits a 1 GB Lambda or Flex Consumption instance with room to spare.
 */
export const ROW_GROUP_INPUT_BYTES = 32 * 1024 * 1024;
/**
 * Late objects that arrive later than this after their hour are not compacted (they stay in raw).
 * Every run lists one day of hours, one listing each.
 */
export const LATE_LOOKBACK_HOURS = 24;

const DEFAULT_LIMITS: CompactionLimits = {
  targetFileBytes: TARGET_FILE_BYTES,
  rowGroupInputBytes: ROW_GROUP_INPUT_BYTES,
};

/** At most this many partitions are spelled out in a group's name; more are named by a digest. */
const NAMED_GROUP_PARTITIONS = 8;

export function emptyCompactionSummary(): CompactionSummary {
  return {
    hoursCompacted: 0,
    filesWritten: 0,
    rowsWritten: 0,
    rawObjectsRead: 0,
    rawBytesRead: 0,
    bytesWritten: 0,
    schemaChanges: 0,
    rescuedRows: 0,
    hoursWaiting: 0,
  };
}

/** Adds `part` into `total` (mutates `total`); waiting hours are a state, so the latest run's count stands. */
export function addCompactionSummary(total: CompactionSummary, part: CompactionSummary): CompactionSummary {
  total.hoursCompacted += part.hoursCompacted;
  total.filesWritten += part.filesWritten;
  total.rowsWritten += part.rowsWritten;
  total.rawObjectsRead += part.rawObjectsRead;
  total.rawBytesRead += part.rawBytesRead;
  total.bytesWritten += part.bytesWritten;
  total.schemaChanges += part.schemaChanges;
  total.rescuedRows += part.rescuedRows;
  total.hoursWaiting = part.hoursWaiting;
  if (part.notCompacted !== undefined) total.notCompacted = part.notCompacted;
  return total;
}

/**
 * The scheduled compaction: every closed hour of the topic (within the lookback) whose raw objects
 * are not all covered by a manifest gets Parquet files, a schema file and a manifest under
 * `compacted/<topic>/date=YYYY-MM-DD/hour=HH/` (see `compactHour`). An hour compacted before gets an
 * additional file and manifest for the raw objects no manifest covers (late ones). Raw objects are
 * never deleted.
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
  let snapshot = await loadSnapshot(store.objects, tableRootOf(topic.name));
  const sealDelayMs = topic.sealDelaySeconds * 1000;
  const currentHour = hourOf(now);
  const lookback = options.lookbackHours ?? LATE_LOOKBACK_HOURS;
  // An hour that fails (a damaged raw object, a store fault) does not hold back the hours after it;
  // the run still fails, with the first error, so the failure shows and the next run retries it.
  let firstFailure: { error: unknown } | undefined;
  for (let hour = currentHour - lookback; hour < currentHour; hour++) {
    if (options.maxHours !== undefined && summary.hoursCompacted >= options.maxHours) break;
    const closed = partitions.every((partition) =>
      partitionDoneWithHour(ledgers.get(partition) ?? EMPTY_LEDGER, hour, now, sealDelayMs),
    );
    try {
      const rawObjects = await listRawObjectsOfHour(store.objects, topic, hour, partitions);
      if (rawObjects.length === 0) continue;
      // A unit whose claim (a concurrent run's) left some of our objects out is followed by the next unit.
      let outcome: UnitOutcome;
      do {
        outcome = await compactNextUnit(
          context,
          snapshot,
          { hour, group, partitions, closed, rawObjects, format: topic.format },
          limits,
        );
        if (outcome === 'waiting') summary.hoursWaiting++;
        else if (outcome !== 'covered') {
          snapshot = outcome.snapshot;
          addUnitResult(summary, outcome.result);
        }
      } while (typeof outcome === 'object' && outcome.more);
    } catch (error) {
      firstFailure ??= { error };
    }
  }
  if (firstFailure) throw firstFailure.error;
  return summary;
}

type UnitOutcome = 'covered' | 'waiting' | { snapshot: DeltaSnapshot; result: UnitResult; more: boolean };

interface HourOfGroup {
  readonly hour: number;
  readonly group: string;
  readonly partitions: readonly string[];
  readonly closed: boolean;
  readonly rawObjects: readonly RawObject[];
  readonly format: CompactedFormat;
}

/**
 * Compacts the group's next unit of the hour: the first one its claims fix that the table does not
 * hold yet (a crashed or concurrent run's), or else a new one over the raw objects no claim covers
 * (late ones, or the whole hour the first time). Reports that there are none, or that the hour is
 * not closed.
 */
async function compactNextUnit(
  { topic, store, clock }: CaptureContext,
  snapshot: DeltaSnapshot,
  hourOfGroup: HourOfGroup,
  limits: CompactionLimits,
): Promise<UnitOutcome> {
  const { hour, group, partitions, closed, rawObjects, format } = hourOfGroup;
  const objects = store.objects;
  const listed = await objects.list(hourPrefix(topic.name, hour));
  const unitOf = (sequence: number, ofGroup = group): CompactionUnit => ({
    topic: topic.name,
    hour,
    group: ofGroup,
    sequence,
  });
  const claims = listed.flatMap((path) => {
    const named = unitNamedBy(path, 'claim');
    return named ? [unitOf(named.sequence, named.group)] : [];
  });
  const ours = claims.filter((unit) => unit.group === group).sort((a, b) => a.sequence - b.sequence);
  // Another group's units matter only if they may hold our partitions' objects: a grouping that
  // changed, or a run over every partition.
  const others = claims.filter((unit) => unit.group !== group && mayOverlap(unit.group, partitions));
  let unit = ours.find((claimed) => !isCommitted(snapshot, claimed));
  let claim: UnitClaim;
  let consulted = ours;
  if (unit) {
    claim = await readClaim(objects, unit);
  } else {
    const claimedPaths = new Set<string>();
    const addClaims = async (units: readonly CompactionUnit[]) => {
      for (const other of units)
        for (const object of (await readClaim(objects, other)).rawObjects) claimedPaths.add(object.path);
    };
    await addClaims(ours);
    let uncovered = rawObjects.filter((object) => !claimedPaths.has(object.path));
    // Objects our claims miss may be another grouping's (compaction.partitionsPerGroup changed).
    if (uncovered.length > 0 && others.length > 0) {
      await addClaims(others);
      consulted = claims;
      uncovered = uncovered.filter((object) => !claimedPaths.has(object.path));
    }
    if (uncovered.length === 0) return 'covered';
    if (!closed) return 'waiting';
    const unsupported = uncovered.find((object) => !holdsRecordsOf(format, object.path));
    if (unsupported) {
      throw new CaptureError(
        `compaction of ${topic.name}: ${unsupported.path} does not hold ${format} records (written before a format change?); compacting it is not supported yet`,
        { retriable: false },
      );
    }
    unit = unitOf((ours.at(-1)?.sequence ?? -1) + 1);
    claim = await claimUnitInputs(
      objects,
      unit,
      uncovered,
      claimedPaths,
      snapshot.metadata?.schemaString ?? null,
    );
  }
  const current = unit;
  const alreadyCovered: CoveredRawObject[] = [];
  for (const path of listed) {
    const named = unitNamedBy(path, 'report');
    if (!named || (named.group === current.group && named.sequence === current.sequence)) continue;
    if (!consulted.some((other) => other.group === named.group)) continue;
    alreadyCovered.push(...parseUnitReport(path, await objects.read(path)).rawObjects);
  }
  const compacted = await compactUnit(
    objects,
    snapshot,
    {
      unit: current,
      rawObjects: claim.rawObjects,
      format,
      envelope: topic.jsonl.envelope,
      alreadyCovered,
      tableSchemaAtClaim: claim.tableSchema,
    },
    clock(),
    limits,
  );
  const claimedPaths = new Set(claim.rawObjects.map((object) => object.path));
  return { ...compacted, more: rawObjects.some((object) => !claimedPaths.has(object.path)) };
}

function addUnitResult(summary: CompactionSummary, result: UnitResult): void {
  summary.rawObjectsRead += result.rawObjectsRead;
  summary.rawBytesRead += result.rawBytesRead;
  if (!result.committed) return;
  summary.hoursCompacted++;
  summary.filesWritten += result.files.length;
  summary.rowsWritten += result.rows;
  summary.bytesWritten += result.files.reduce((sum, file) => sum + file.bytes, 0);
  summary.schemaChanges += result.schemaChanges;
  summary.rescuedRows += result.rescuedRows;
}

function sortPartitions(partitions: readonly string[]): string[] {
  return [...new Set(partitions)].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A partition group's name, part of its files' names: `all` for a run over every partition, else the
 * partitions (`p0.1.2.3`) or, for a big group, a digest of them. Group runs over the same hour write
 * disjoint files and manifests.
 */
function groupName(partitions: readonly string[] | null): string {
  if (partitions === null) return 'all';
  if (partitions.length <= NAMED_GROUP_PARTITIONS) return `p${partitions.join('.')}`;
  return `g${createHash('sha256').update(partitions.join(',')).digest('hex').slice(0, 12)}`;
}

/**
 * False only when a group's name spells out partitions (`p0.1.2.3`) none of which is in `partitions`:
 * its units cannot cover our objects. `all` and digest-named groups may.
 */
function mayOverlap(group: string, partitions: readonly string[]): boolean {
  if (!group.startsWith('p')) return true;
  const ours = new Set(partitions);
  return group
    .slice(1)
    .split('.')
    .some((partition) => ours.has(partition));
}
