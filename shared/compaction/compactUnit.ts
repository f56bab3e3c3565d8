import type { ObjectStore } from '../store.js';
import { type StructField, typeName } from '../tables/dataType.js';
import { markCommitted } from './commitMarker.js';
import { type CompactionTable, type TableColumns, unitTransactionId } from './compactionTable.js';
import { evolveTable, fileColumnsOf } from './tableEvolution.js';
import {
  type CompactionLimits,
  type InferredUnit,
  inferUnit,
  type StagedFile,
  type UnitInputs,
  type WrittenUnit,
  writeUnitFiles,
} from './unitFiles.js';
import { hourIso, reportPath, unitStagingPath } from './unitPaths.js';
import { newUnitReport, type ReportedChange, type UnitReport } from './unitReport.js';

/** What one compaction unit did. `committed` is false when another run had committed it already. */
export interface UnitResult {
  readonly committed: boolean;
  readonly files: readonly StagedFile[];
  readonly rows: number;
  readonly rawObjectsRead: number;
  readonly rawBytesRead: number;
  /** Schema decisions: fields added to the table, paths kept as JSON text, values rescued. */
  readonly schemaChanges: number;
  readonly rescuedRows: number;
}

/**
 * Compacts one unit into the topic's table (Delta or Iceberg, see `CompactionTable`), in an order
 * that makes every crash and every race harmless:
 *
 * 1. pass 1 infers the unit's columns (usually while writing the files already, see `writeFiles`);
 * 2. columns the table lacks are committed first, as a metadata-only version (a committed type never
 *    changes but where Iceberg's readers promote a file's type, see `evolveTable`), so the unit's
 *    files are written with types every reader reads, and a rerun writes the same bytes under the
 *    same names;
 * 3. pass 2 writes the files (when pass 1 could not), which are published once they hold exactly
 *    what was read, then the unit's report;
 * 4. one commit adds the files, marked with the unit's identifier (the unit's group and hour, its
 *    sequence): whoever finds that mark in the table already, a concurrent run or a rerun, commits
 *    nothing, so no file is ever added twice;
 * 5. where the table's maintenance may expire that mark (Iceberg), a marker beside the claim says
 *    the unit is committed (see `markCommitted`).
 */
export async function compactUnit<State>(
  table: CompactionTable<State>,
  objects: ObjectStore,
  snapshot: State,
  inputs: UnitInputs,
  now: number,
  limits: CompactionLimits,
): Promise<{ snapshot: State; result: UnitResult }> {
  const { unit } = inputs;
  const nothing = { files: [], rows: 0, schemaChanges: 0, rescuedRows: 0 };
  if (table.isCommitted(snapshot, unit)) {
    return { snapshot, result: { committed: false, rawObjectsRead: 0, rawBytesRead: 0, ...nothing } };
  }
  const {
    written,
    columns,
    snapshot: widened,
  } = await writeFiles(table, objects, snapshot, inputs, now, limits);
  const { inferred } = written;
  const read = { rawObjectsRead: inputs.rawObjects.length, rawBytesRead: inferred.rawBytesRead };
  const { columns: unitColumns, rescues: unitRescues, beyondDouble } = inferred.schema;
  const evolution = evolveTable(
    tableColumnsOf(table, widened).columns,
    unitColumns,
    unitRescues,
    beyondDouble,
    table.promotesTypes,
  );

  for (const file of written.files) await objects.publish(file.path, file.chunks);
  // Measured against the table the claim saw, not against what this run had to commit, so a rerun
  // after a crash past the widening reports the same.
  const grown =
    inputs.tableSchemaAtClaim === null
      ? []
      : evolveTable(
          columnsOfClaim(table, inputs.tableSchemaAtClaim, unit.topic).columns,
          unitColumns,
          unitRescues,
          beyondDouble,
          table.promotesTypes,
        ).changes.filter((change) => change.change !== 'rescued');
  const changes = [
    ...unitChanges(inferred),
    ...grown,
    ...evolution.changes.filter((change) => change.change === 'rescued'),
  ];
  const report = reportOf(inputs, inferred, columns, changes, written.files, written.rescuedRows);
  const reportStaging = unitStagingPath(unit, 'report', `report-${unit.sequence}`);
  await objects.stage(reportStaging, Buffer.from(`${JSON.stringify(report, null, 2)}\n`));
  await objects.publish(reportPath(unit), [reportStaging]);

  const committed = await table.commitFiles(widened, unit, written.files, now);
  if (table.forgetsCommits) await markCommitted(objects, unit);
  await objects.deleteStaged([...written.files.flatMap((file) => file.chunks), reportStaging]);
  return {
    snapshot: committed.state,
    result: {
      committed: committed.committed,
      files: written.files,
      rows: written.rows,
      ...read,
      schemaChanges: changes.length,
      rescuedRows: written.rescuedRows,
    },
  };
}

/**
 * The unit's files, in one pass over its raw objects when its columns can be known before reading:
 * in the usual hour, whose rows bring nothing the table (as the unit's claim saw it) lacks, the files
 * take the table's columns as they were at the claim, which a rerun reads from the claim again. When
 * the rows do bring something, or there was no table yet, that pass's files are dropped unpublished,
 * the new columns are committed (see `widenTable`), and a second pass writes the files with the
 * table's types for the unit's paths.
 */
async function writeFiles<State>(
  table: CompactionTable<State>,
  objects: ObjectStore,
  snapshot: State,
  inputs: UnitInputs,
  now: number,
  limits: CompactionLimits,
): Promise<{ written: WrittenUnit; columns: readonly StructField[]; snapshot: State }> {
  let inferred: InferredUnit | null = null;
  if (inputs.tableSchemaAtClaim !== null) {
    const claimed = columnsOfClaim(table, inputs.tableSchemaAtClaim, inputs.unit.topic);
    const attempt = await writeUnitFiles(objects, inputs, null, claimed.columns, limits, claimed.fieldIdOf);
    const { schema } = attempt.inferred;
    const grows = evolveTable(
      claimed.columns,
      schema.columns,
      schema.rescues,
      schema.beyondDouble,
      table.promotesTypes,
    ).changes.some((change) => change.change !== 'rescued');
    if (!grows && attempt.misfits === 0) return { written: attempt, columns: claimed.columns, snapshot };
    await objects.deleteStaged(attempt.files.flatMap((file) => file.chunks));
    inferred = attempt.inferred;
  }
  inferred ??= await inferUnit(objects, inputs);
  const widened = await table.widen(snapshot, inferred.schema, now);
  const { columns: unitColumns, rescues, beyondDouble } = inferred.schema;
  const tableColumns = tableColumnsOf(table, widened);
  const evolution = evolveTable(
    tableColumns.columns,
    unitColumns,
    rescues,
    beyondDouble,
    table.promotesTypes,
  );
  const columns = fileColumnsOf(tableColumns.columns, unitColumns, evolution.rescues);
  return {
    written: await writeUnitFiles(objects, inputs, inferred, columns, limits, tableColumns.fieldIdOf),
    columns,
    snapshot: widened,
  };
}

/** The table's data columns (without its partition columns); none before its first commit. */
function tableColumnsOf<State>(table: CompactionTable<State>, snapshot: State): TableColumns {
  const text = table.schemaText(snapshot);
  return text === null ? { columns: [] } : table.columnsOfSchemaText(text, 'the table');
}

function columnsOfClaim<State>(
  table: CompactionTable<State>,
  schemaText: string,
  topic: string,
): TableColumns {
  return table.columnsOfSchemaText(schemaText, `the claim of a unit of ${topic}`);
}

function unitChanges(inferred: InferredUnit): ReportedChange[] {
  const { schema } = inferred;
  return [
    ...schema.notes.map((note) => ({ path: note.path, change: note.change, detail: note.detail })),
    ...schema.addedLater.map((name) => ({
      path: name,
      change: 'added-later',
      detail: 'absent from the unit’s first rows: null there',
    })),
  ];
}

function reportOf(
  inputs: UnitInputs,
  inferred: InferredUnit,
  columns: readonly StructField[],
  changes: readonly ReportedChange[],
  files: readonly StagedFile[],
  rescuedRows: number,
): UnitReport {
  const { unit } = inputs;
  return newUnitReport({
    topic: unit.topic,
    hour: hourIso(unit.hour),
    group: unit.group,
    sequence: unit.sequence,
    transaction: { appId: unitTransactionId(unit), version: unit.sequence },
    columns: columns.map((column) => ({
      name: column.name,
      type: typeName(column.type),
      source: inferred.schema.sources[column.name] ?? column.name,
    })),
    changes,
    rescuedRows,
    files: files.map(({ path, rows, bytes, rowGroups }) => ({ path, rows, bytes, rowGroups })),
    rawObjects: inferred.covered,
    offsets: offsetsOf(inferred.covered),
  });
}

function offsetsOf(covered: InferredUnit['covered']): UnitReport['offsets'] {
  const offsets: Record<string, { rows: number; first: number | null; last: number | null }> = {};
  for (const object of covered) {
    const entry = offsets[object.partition] ?? { rows: 0, first: null, last: null };
    entry.rows += object.rows;
    if (object.firstPosition !== null)
      entry.first = entry.first === null ? object.firstPosition : Math.min(entry.first, object.firstPosition);
    if (object.lastPosition !== null)
      entry.last = entry.last === null ? object.lastPosition : Math.max(entry.last, object.lastPosition);
    offsets[object.partition] = entry;
  }
  return offsets;
}
