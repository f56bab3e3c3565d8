import type { CaptureContext } from '../pipeline/context.js';
import type { ObjectStore } from '../store.js';
import type { StructField } from '../tables/dataType.js';
import { appendFiles, locationOf, type TablePlace } from '../tables/iceberg/appendFiles.js';
import type { IcebergCatalog } from '../tables/iceberg/catalog.js';
import { type IcebergState, loadIcebergTable } from '../tables/iceberg/commit.js';
import { evolveSchema } from '../tables/iceberg/evolveSchema.js';
import {
  columnsOfIcebergSchema,
  fieldIdsOf,
  type TypedSchema,
  topFieldId,
} from '../tables/iceberg/icebergSchema.js';
import { type MaintenancePolicy, maintainTable } from '../tables/iceberg/maintainTable.js';
import { type ColumnStats, type DataFileEntry, longBytes } from '../tables/iceberg/manifests.js';
import { currentSchema, historyCut, type TableMetadata } from '../tables/iceberg/tableMetadata.js';
import { markCommitted } from './commitMarker.js';
import { type CompactionTable, unitOfTransactionId, unitTransactionId } from './compactionTable.js';
import { HOUR_MS } from './hours.js';
import { evolveTable } from './tableEvolution.js';
import { dataColumnsOf, PARTITION_COLUMNS, PARTITION_FIELDS, tableIdOf, tableRootOf } from './tableLayout.js';
import type { FileBounds, StagedFile } from './unitFiles.js';
import type { CompactionUnit } from './unitPaths.js';

/** Snapshot summary keys that say which unit a snapshot committed. */
export const UNIT_SUMMARY_KEY = 'stream-capture.unit';
export const UNIT_SEQUENCE_SUMMARY_KEY = 'stream-capture.unit-sequence';

/**
 * Columns named differently in the Iceberg schema: Iceberg reserves `_partition` for a metadata
 * column (Spark refuses a table that has its own). Readers match columns by field id, so the data
 * files keep the product's name and the table shows this one.
 */
const ICEBERG_NAMES: Readonly<Record<string, string>> = { _partition: '_source_partition' };
const PRODUCT_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(ICEBERG_NAMES).map(([product, iceberg]) => [iceberg, product]),
);
const renamed = (columns: readonly StructField[], names: Readonly<Record<string, string>>) =>
  columns.map((column) => ({ ...column, name: names[column.name] ?? column.name }));

/** Where an Iceberg table is recorded, and the lake's root as readers address it. */
export interface IcebergTarget {
  readonly catalog: (root: string) => IcebergCatalog;
  /** Ends in `/`: `s3://bucket/`, `abfss://lake@account.dfs.core.windows.net/`, `file:///srv/lake/`. */
  readonly lakeLocation: string;
  /**
   * True where the catalog's owner maintains its tables (a REST catalog such as S3 Tables): the
   * product's maintenance is then off unless `compaction.maintenance.enabled` turns it on.
   */
  readonly catalogMaintains?: boolean;
}

/** Gives compaction a topic's Iceberg target for a context's store: each runtime's own catalog. */
export type IcebergTargetProvider = (context: CaptureContext) => Promise<IcebergTarget>;

/**
 * The topic's Iceberg table, beside where a Delta table would be (`compacted/<topic>/`): its data
 * files are the same hour folders' Parquet (with field ids), partitioned by identity on the same
 * `date` and `hour` columns, which the files do not hold (readers take them from the manifests, as
 * the spec's column projection says). A unit's snapshot summary names the unit and its sequence, so
 * whoever finds that snapshot in the table already, a concurrent run or a rerun, commits nothing.
 * The table's schema text (what a claim keeps) is its current schema with the ids of its JSON fields.
 */
export function icebergCompactionTable(
  objects: ObjectStore,
  topic: string,
  target: IcebergTarget,
  maintenance: MaintenancePolicy | null,
): CompactionTable<IcebergState> {
  const place: TablePlace = { root: tableRootOf(topic), lakeLocation: target.lakeLocation };
  const catalog = target.catalog(place.root);
  const schemaOf = (state: IcebergState): TypedSchema | null =>
    state.metadata === null ? null : currentSchema(state.metadata, catalog.description);

  return {
    load: () => loadIcebergTable(objects, catalog),
    promotesTypes: true,
    isCommitted: (state, unit) => state.metadata !== null && holdsUnit(state.metadata, unit),
    forgetsCommits: true,
    historyCut: (state) => state.metadata !== null && historyCut(state.metadata),
    schemaText(state) {
      const typed = schemaOf(state);
      return typed === null ? null : JSON.stringify(typed);
    },
    columnsOfSchemaText(text, what) {
      const typed = JSON.parse(text) as TypedSchema;
      const idOf = fieldIdsOf(typed.schema);
      return {
        columns: dataColumnsOf(renamed(columnsOfIcebergSchema(typed, what), PRODUCT_NAMES)),
        fieldIdOf: ([name = '', ...rest]) => idOf([ICEBERG_NAMES[name] ?? name, ...rest]),
      };
    },

    async widen(state, unit, now) {
      const grow = (columns: readonly StructField[] | null): StructField[] | null => {
        const table = dataColumnsOf(renamed(columns ?? [], PRODUCT_NAMES));
        const evolution = evolveTable(table, unit.columns, unit.rescues, unit.beyondDouble, true);
        const added = evolution.changes.some((change) => change.change !== 'rescued');
        return columns !== null && !added
          ? null
          : renamed([...evolution.columns, ...PARTITION_FIELDS], ICEBERG_NAMES);
      };
      const changed = await evolveSchema(objects, catalog, place, state, {
        grow,
        partitionColumns: PARTITION_COLUMNS,
        tableUuid: tableIdOf(topic),
        now,
      });
      return changed.state;
    },

    commitFiles(state, unit, files, now) {
      const typed = schemaOf(state) as TypedSchema;
      const ids = {
        position: topFieldId(typed.schema, '_position'),
        timestamp: topFieldId(typed.schema, '_timestamp'),
      };
      return appendFiles(objects, catalog, place, state, {
        files: files.map((file) => dataFileOf(place, unit, file, ids)),
        summary: {
          [UNIT_SUMMARY_KEY]: unitTransactionId(unit),
          [UNIT_SEQUENCE_SUMMARY_KEY]: String(unit.sequence),
        },
        now,
        isCommitted: (metadata) => holdsUnit(metadata, unit),
      });
    },

    ...(maintenance === null
      ? {}
      : {
          maintain: (state: IcebergState, now: number) =>
            maintainTable(objects, catalog, place, state, {
              now,
              policy: maintenance,
              // The units the expired snapshots committed stay known committed by their markers.
              beforeExpiry: async (snapshots) => {
                for (const snapshot of snapshots) {
                  const unit = unitOfSummary(topic, snapshot.summary);
                  if (unit !== null) await markCommitted(objects, unit);
                }
              },
            }),
        }),
  };
}

/** The unit a snapshot's summary names (see `commitFiles`), or null for a snapshot of another writer. */
function unitOfSummary(topic: string, summary: Readonly<Record<string, string>>): CompactionUnit | null {
  const named = unitOfTransactionId(summary[UNIT_SUMMARY_KEY] ?? '');
  const sequence = Number(summary[UNIT_SEQUENCE_SUMMARY_KEY]);
  return named && Number.isSafeInteger(sequence) ? { topic, ...named, sequence } : null;
}

/** Whether the table holds the unit: a snapshot whose summary names it, at its sequence or a later one. */
export function holdsUnit(metadata: TableMetadata, unit: CompactionUnit): boolean {
  const id = unitTransactionId(unit);
  return metadata.snapshots.some(
    (snapshot) =>
      snapshot.summary[UNIT_SUMMARY_KEY] === id &&
      Number(snapshot.summary[UNIT_SEQUENCE_SUMMARY_KEY]) >= unit.sequence,
  );
}

function dataFileOf(
  place: TablePlace,
  unit: CompactionUnit,
  file: StagedFile,
  ids: { position: number; timestamp: number },
): DataFileEntry {
  const hourStart = unit.hour * HOUR_MS;
  return {
    location: locationOf(place, file.path),
    bytes: file.bytes,
    rows: file.rows,
    partition: { date: Math.floor(hourStart / (24 * HOUR_MS)), hour: new Date(hourStart).getUTCHours() },
    stats: statsOf(file.bounds, file.rows, ids),
  };
}

/**
 * The bounds readers skip files by: `_position`, and `_timestamp` in microseconds, rounded outward
 * from the milliseconds the bounds were tallied in, so they hold every value.
 */
function statsOf(
  bounds: FileBounds,
  rows: number,
  ids: { position: number; timestamp: number },
): ColumnStats[] {
  const stats: ColumnStats[] = [];
  const { position, timestamp } = bounds;
  if (position) {
    const some = position.nulls < rows;
    stats.push({
      fieldId: ids.position,
      values: rows,
      nulls: position.nulls,
      lower: some ? longBytes(position.min) : null,
      upper: some ? longBytes(position.max) : null,
    });
  }
  if (timestamp) {
    const some = timestamp.nulls < rows;
    stats.push({
      fieldId: ids.timestamp,
      values: rows,
      nulls: timestamp.nulls,
      lower: some ? longBytes(Math.floor(timestamp.min * 1000)) : null,
      upper: some ? longBytes(Math.ceil(timestamp.max * 1000)) : null,
    });
  }
  return stats;
}
