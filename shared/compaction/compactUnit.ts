import type { ObjectStore } from '../store.js';
import { type StructField, typeName } from '../tables/dataType.js';
import type { Action, AddAction } from '../tables/delta/actions.js';
import { commitNext, WRITER_PROTOCOL } from '../tables/delta/commit.js';
import type { DeltaSnapshot } from '../tables/delta/tableState.js';
import { parseDeltaSchema } from '../tables/deltaSchema.js';
import type { UnitSchema } from './schema.js';
import { evolveTable, fileColumnsOf } from './tableEvolution.js';
import { dataColumnsOf, partitionValuesOf, tableMetadataOf, tableRootOf } from './tableLayout.js';
import {
  type CompactionLimits,
  type InferredUnit,
  inferUnit,
  type StagedFile,
  type UnitInputs,
  type WrittenUnit,
  writeUnitFiles,
} from './unitFiles.js';
import { type CompactionUnit, hourIso, reportPath, unitStagingPath } from './unitPaths.js';
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

/** The Delta transaction identifier of a unit: one per (group, hour), whose version is the unit's sequence. */
export function unitTransactionId(unit: CompactionUnit): string {
  return `stream-capture/${unit.group}/${hourIso(unit.hour)}`;
}

/** True once the table holds the unit's commit (this run's, a concurrent run's or a crashed run's). */
export function isCommitted(snapshot: DeltaSnapshot, unit: CompactionUnit): boolean {
  return (snapshot.transactions.get(unitTransactionId(unit)) ?? -1) >= unit.sequence;
}

/**
 * Compacts one unit into the topic's Delta table, in an order that makes every crash and every race
 * harmless:
 *
 * 1. pass 1 infers the unit's columns (usually while writing the files already, see `writeFiles`);
 * 2. columns the table lacks are committed first, as a metadata-only version (a table's types never
 *    change once committed, see `evolveTable`), so the unit's files are written with types no other
 *    writer can change under them, and a rerun writes the same bytes under the same names;
 * 3. pass 2 writes the files (when pass 1 could not), which are published once they hold exactly
 *    what was read, then the unit's report;
 * 4. one commit adds the files with a `txn` action (the unit's group and hour, its sequence as the
 *    version): whoever finds that transaction in the table already, a concurrent run or a rerun,
 *    commits nothing, so no file is ever added twice.
 */
export async function compactUnit(
  objects: ObjectStore,
  snapshot: DeltaSnapshot,
  inputs: UnitInputs,
  now: number,
  limits: CompactionLimits,
): Promise<{ snapshot: DeltaSnapshot; result: UnitResult }> {
  const { unit } = inputs;
  const nothing = { files: [], rows: 0, schemaChanges: 0, rescuedRows: 0 };
  if (isCommitted(snapshot, unit)) {
    return { snapshot, result: { committed: false, rawObjectsRead: 0, rawBytesRead: 0, ...nothing } };
  }
  const { written, columns, snapshot: widened } = await writeFiles(objects, snapshot, inputs, now, limits);
  const { inferred } = written;
  const read = { rawObjectsRead: inputs.rawObjects.length, rawBytesRead: inferred.rawBytesRead };
  const { columns: unitColumns, rescues: unitRescues } = inferred.schema;
  const evolution = evolveTable(tableColumnsOf(widened), unitColumns, unitRescues);

  for (const file of written.files) await objects.publish(file.path, file.chunks);
  // Measured against the table the claim saw, not against what this run had to commit, so a rerun
  // after a crash past the widening reports the same.
  const added =
    inputs.tableSchemaAtClaim === null
      ? []
      : evolveTable(
          columnsOfSchema(inputs.tableSchemaAtClaim, unit.topic),
          unitColumns,
          unitRescues,
        ).changes.filter((change) => change.change === 'added');
  const changes = [
    ...unitChanges(inferred),
    ...added,
    ...evolution.changes.filter((change) => change.change === 'rescued'),
  ];
  const report = reportOf(inputs, inferred, columns, changes, written.files, written.rescuedRows);
  const reportStaging = unitStagingPath(unit, 'report', `report-${unit.sequence}`);
  await objects.stage(reportStaging, Buffer.from(`${JSON.stringify(report, null, 2)}\n`));
  await objects.publish(reportPath(unit), [reportStaging]);

  const actions: Action[] = [
    {
      commitInfo: {
        timestamp: now,
        operation: 'WRITE',
        operationParameters: { mode: 'Append', partitionBy: '["date","hour"]' },
        isBlindAppend: true,
        engineInfo: 'stream-capture compaction',
        txnId: `${unitTransactionId(unit)}#${unit.sequence}`,
      },
    },
    { txn: { appId: unitTransactionId(unit), version: unit.sequence, lastUpdated: now } },
    ...written.files.map((file) => ({ add: addActionOf(unit, file, now) })),
  ];
  const committed = await commitNext(objects, widened, (latest) =>
    isCommitted(latest, unit) ? null : actions,
  );
  await objects.deleteStaged([...written.files.flatMap((file) => file.chunks), reportStaging]);
  return {
    snapshot: committed.snapshot,
    result: {
      committed: committed.version !== null,
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
async function writeFiles(
  objects: ObjectStore,
  snapshot: DeltaSnapshot,
  inputs: UnitInputs,
  now: number,
  limits: CompactionLimits,
): Promise<{ written: WrittenUnit; columns: readonly StructField[]; snapshot: DeltaSnapshot }> {
  let inferred: InferredUnit | null = null;
  if (inputs.tableSchemaAtClaim !== null) {
    const claimed = columnsOfSchema(inputs.tableSchemaAtClaim, inputs.unit.topic);
    const attempt = await writeUnitFiles(objects, inputs, null, claimed, limits);
    const { schema } = attempt.inferred;
    const grows = evolveTable(claimed, schema.columns, schema.rescues).changes.some(
      (change) => change.change === 'added',
    );
    if (!grows && attempt.misfits === 0) return { written: attempt, columns: claimed, snapshot };
    await objects.deleteStaged(attempt.files.flatMap((file) => file.chunks));
    inferred = attempt.inferred;
  }
  inferred ??= await inferUnit(objects, inputs);
  const widened = await widenTable(objects, snapshot, inputs.unit.topic, inferred.schema, now);
  const { columns: unitColumns, rescues } = inferred.schema;
  const evolution = evolveTable(tableColumnsOf(widened), unitColumns, rescues);
  const columns = fileColumnsOf(tableColumnsOf(widened), unitColumns, evolution.rescues);
  return {
    written: await writeUnitFiles(objects, inputs, inferred, columns, limits),
    columns,
    snapshot: widened,
  };
}

/** The table's data columns (without its partition columns); none before its first commit. */
export function tableColumnsOf(snapshot: DeltaSnapshot): StructField[] {
  if (snapshot.metadata === null) return [];
  return dataColumnsOf(parseDeltaSchema(snapshot.metadata.schemaString, `${snapshot.root}_delta_log`));
}

function columnsOfSchema(schemaString: string, topic: string): StructField[] {
  return dataColumnsOf(parseDeltaSchema(schemaString, `the claim of a unit of ${topic}`));
}

/**
 * Commits the columns and nested fields the unit has and the table lacks, as a version of its own
 * (the table's first version creates it). Nothing is committed when the table has them all.
 */
async function widenTable(
  objects: ObjectStore,
  snapshot: DeltaSnapshot,
  topic: string,
  unit: UnitSchema,
  now: number,
): Promise<DeltaSnapshot> {
  const committed = await commitNext(objects, snapshot, (latest) => {
    const evolution = evolveTable(tableColumnsOf(latest), unit.columns, unit.rescues);
    const created = latest.metadata === null;
    const added = evolution.changes.filter((change) => change.change === 'added');
    if (!created && added.length === 0) return null;
    return [
      {
        commitInfo: {
          timestamp: now,
          operation: created ? 'CREATE TABLE' : 'ADD COLUMNS',
          operationParameters: {
            columns: JSON.stringify(
              created ? evolution.columns.map((column) => column.name) : added.map((change) => change.path),
            ),
          },
          isBlindAppend: true,
          engineInfo: 'stream-capture compaction',
        },
      },
      ...(created ? [{ protocol: WRITER_PROTOCOL }] : []),
      {
        metaData: tableMetadataOf(topic, evolution.columns, latest.metadata?.createdTime ?? now),
      },
    ];
  });
  return committed.snapshot;
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

function addActionOf(unit: CompactionUnit, file: StagedFile, now: number): AddAction {
  const relative = file.path.slice(tableRootOf(unit.topic).length);
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, number> = {};
  const { position, timestamp } = file.bounds;
  if (position) {
    nullCount._position = position.nulls;
    if (position.nulls < file.rows) {
      minValues._position = position.min;
      maxValues._position = position.max;
    }
  }
  if (timestamp) {
    nullCount._timestamp = timestamp.nulls;
    if (timestamp.nulls < file.rows) {
      minValues._timestamp = new Date(timestamp.min).toISOString();
      maxValues._timestamp = new Date(timestamp.max).toISOString();
    }
  }
  return {
    path: encodeURI(relative),
    partitionValues: partitionValuesOf(unit.hour),
    size: file.bytes,
    modificationTime: now,
    dataChange: true,
    stats: JSON.stringify({ numRecords: file.rows, minValues, maxValues, nullCount }),
  };
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
