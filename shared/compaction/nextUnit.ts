import { CaptureError } from '../errors.js';
import type { CaptureContext } from '../pipeline/context.js';
import { claimUnitInputs, readClaim, type UnitClaim } from './claim.js';
import { markCommitted, markedCommitted } from './commitMarker.js';
import type { CompactionTable } from './compactionTable.js';
import { compactUnit, type UnitResult } from './compactUnit.js';
import { type CompactedFormat, holdsRecordsOf } from './formats.js';
import type { RawObject } from './rawObjects.js';
import { writerSchemaColumns } from './registryColumns/writerSchemaColumns.js';
import type { CompactionLimits } from './unitFiles.js';
import { type CompactionUnit, hourPrefix, unitNamedBy } from './unitPaths.js';
import { type CoveredRawObject, parseUnitReport } from './unitReport.js';

/** What became of the group's next unit of an hour. */
export type UnitOutcome<State> =
  /** Every raw object of the hour is in a unit the table holds. */
  | { readonly kind: 'covered' }
  /** Objects no unit covers yet, of an hour some partition has not closed. */
  | { readonly kind: 'waiting'; readonly uncovered: number }
  | {
      readonly kind: 'compacted';
      readonly snapshot: State;
      readonly result: UnitResult;
      readonly more: boolean;
    };

export interface HourOfGroup {
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
export async function compactNextUnit<State>(
  table: CompactionTable<State>,
  { topic, store, clock }: CaptureContext,
  snapshot: State,
  hourOfGroup: HourOfGroup,
  limits: CompactionLimits,
): Promise<UnitOutcome<State>> {
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
  // A unit is committed when the table says so, or, once the table's history was cut, its marker
  // does; a table that forgets commits and says so alone (a crash before the marker, a lake older
  // than markers) gets the marker now, before maintenance can expire the snapshot that says it.
  const markersCount = table.historyCut(snapshot);
  let unit: CompactionUnit | undefined;
  for (const claimed of ours) {
    if (markersCount && markedCommitted(listed, claimed)) continue;
    if (!table.isCommitted(snapshot, claimed)) {
      unit = claimed;
      break;
    }
    if (table.forgetsCommits && !markedCommitted(listed, claimed)) await markCommitted(objects, claimed);
  }
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
    if (uncovered.length === 0) return { kind: 'covered' };
    if (!closed) return { kind: 'waiting', uncovered: uncovered.length };
    const unsupported = uncovered.find((object) => !holdsRecordsOf(format, object.path));
    if (unsupported) {
      throw new CaptureError(
        `compaction of ${topic.name}: ${unsupported.path} does not hold ${format} records (written before a format change?); compacting it is not supported yet`,
        { retriable: false },
      );
    }
    unit = unitOf((ours.at(-1)?.sequence ?? -1) + 1);
    claim = await claimUnitInputs(objects, unit, uncovered, claimedPaths, table.schemaText(snapshot));
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
    table,
    objects,
    snapshot,
    {
      unit: current,
      rawObjects: claim.rawObjects,
      format,
      envelope: topic.jsonl.envelope,
      alreadyCovered,
      tableSchemaAtClaim: claim.tableSchema,
      writerSchemas: writerSchemaColumns(objects, topic.name),
    },
    clock(),
    limits,
  );
  const claimedPaths = new Set(claim.rawObjects.map((object) => object.path));
  return {
    kind: 'compacted',
    ...compacted,
    more: rawObjects.some((object) => !claimedPaths.has(object.path)),
  };
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
