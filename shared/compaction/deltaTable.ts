import type { ObjectStore } from '../store.js';
import type { StructField } from '../tables/dataType.js';
import type { Action, AddAction } from '../tables/delta/actions.js';
import { commitNext, WRITER_PROTOCOL } from '../tables/delta/commit.js';
import { loadSnapshot } from '../tables/delta/readSnapshot.js';
import type { DeltaSnapshot } from '../tables/delta/tableState.js';
import { parseDeltaSchema } from '../tables/deltaSchema.js';
import { type CompactionTable, unitTransactionId } from './compactionTable.js';
import { evolveTable } from './tableEvolution.js';
import { dataColumnsOf, partitionValuesOf, tableMetadataOf, tableRootOf } from './tableLayout.js';
import type { StagedFile } from './unitFiles.js';
import type { CompactionUnit } from './unitPaths.js';

/**
 * The topic's Delta table (see `tableLayout`): a unit's commit carries a `txn` action (the unit's
 * group and hour as the appId, its sequence as the version), so whoever finds that transaction in
 * the table already, a concurrent run or a rerun, commits nothing.
 */
export function deltaCompactionTable(objects: ObjectStore, topic: string): CompactionTable<DeltaSnapshot> {
  return {
    load: () => loadSnapshot(objects, tableRootOf(topic)),
    // Delta's readers here cannot read the typeWidening feature (see tableEvolution.ts).
    promotesTypes: false,
    isCommitted,
    forgetsCommits: false,
    historyCut: () => false,
    schemaText: (snapshot) => snapshot.metadata?.schemaString ?? null,
    columnsOfSchemaText: (text, what) => ({ columns: dataColumnsOf(parseDeltaSchema(text, what)) }),

    async widen(snapshot, unit, now) {
      const committed = await commitNext(objects, snapshot, (latest) => {
        const evolution = evolveTable(tableColumnsOf(latest), unit.columns, unit.rescues, unit.beyondDouble);
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
                  created
                    ? evolution.columns.map((column) => column.name)
                    : added.map((change) => change.path),
                ),
              },
              isBlindAppend: true,
              engineInfo: 'stream-capture compaction',
            },
          },
          ...(created ? [{ protocol: WRITER_PROTOCOL }] : []),
          { metaData: tableMetadataOf(topic, evolution.columns, latest.metadata?.createdTime ?? now) },
        ];
      });
      return committed.snapshot;
    },

    async commitFiles(snapshot, unit, files, now) {
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
        ...files.map((file) => ({ add: addActionOf(unit, file, now) })),
      ];
      const committed = await commitNext(objects, snapshot, (latest) =>
        isCommitted(latest, unit) ? null : actions,
      );
      return { state: committed.snapshot, committed: committed.version !== null };
    },
  };
}

/** True once the table holds the unit's commit (this run's, a concurrent run's or a crashed run's). */
export function isCommitted(snapshot: DeltaSnapshot, unit: CompactionUnit): boolean {
  return (snapshot.transactions.get(unitTransactionId(unit)) ?? -1) >= unit.sequence;
}

/** The table's data columns (without its partition columns); none before its first commit. */
export function tableColumnsOf(snapshot: DeltaSnapshot): StructField[] {
  if (snapshot.metadata === null) return [];
  return dataColumnsOf(parseDeltaSchema(snapshot.metadata.schemaString, `${snapshot.root}_delta_log`));
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
