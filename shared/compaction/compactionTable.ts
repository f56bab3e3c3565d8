import type { StructField } from '../tables/dataType.js';
import type { MaintenanceResult } from '../tables/iceberg/maintainTable.js';
import type { FieldIdOf } from '../tables/parquetSchema.js';
import { HOUR_MS } from './hours.js';
import type { UnitSchema } from './schema.js';
import type { StagedFile } from './unitFiles.js';
import { type CompactionUnit, hourIso } from './unitPaths.js';

/**
 * A topic's table as compaction commits to it, whatever its format (Delta, `deltaTable.ts`; Iceberg,
 * `icebergTable.ts`): the unit of commit, the claims, the files and the exactly-once rules are
 * compaction's own (see `compactUnit`), and a format only says how its state is read, how columns
 * are added and how a unit's files are committed. `State` is the table as one read of it saw it.
 */
export interface CompactionTable<State> {
  load(): Promise<State>;
  /** True once the table holds the unit's commit (this run's, a concurrent run's or a crashed run's). */
  isCommitted(state: State, unit: CompactionUnit): boolean;
  /**
   * True for a format whose commits maintenance may expire (Iceberg's snapshots, which say which
   * units a table holds): its units get commit markers (see `markCommitted`). Delta keeps its `txn`
   * actions in every checkpoint, so its units need none.
   */
  readonly forgetsCommits: boolean;
  /**
   * True once commits were expired from the table, the only case in which a unit it holds may be
   * missing from it, so the only one in which a commit marker speaks for the table. A table created
   * again after it was lost (its folder or catalog entry gone) has its history whole, and its units
   * are committed again, markers or not.
   */
  historyCut(state: State): boolean;
  /** The table's schema as text, which a unit's claim keeps; null before the table exists. */
  schemaText(state: State): string | null;
  /** A schema text's data columns (no partition columns), and the field ids files written with them carry. */
  columnsOfSchemaText(text: string, what: string): TableColumns;
  /**
   * Whether a column's type may grow where the format's readers promote it (Iceberg: `int` to `long`,
   * a decimal's precision), rather than the values that no longer fit going to `_rescued_data`.
   */
  readonly promotesTypes: boolean;
  /**
   * Commits the columns and nested fields the unit has and the table lacks (see `evolveTable`), the
   * first commit creating the table; commits nothing when the table has them all.
   */
  widen(state: State, unit: UnitSchema, now: number): Promise<State>;
  /** One commit adding the unit's published files, unless the table holds the unit already. */
  commitFiles(
    state: State,
    unit: CompactionUnit,
    files: readonly StagedFile[],
    now: number,
  ): Promise<{ state: State; committed: boolean }>;
  /**
   * The table's upkeep when it is due (an Iceberg table's expired snapshots and unreferenced
   * metadata, see `maintainTable`); null when nothing was due. Absent for a format without any.
   */
  maintain?(state: State, now: number): Promise<{ state: State; result: MaintenanceResult } | null>;
}

export interface TableColumns {
  readonly columns: StructField[];
  /** Present for a format whose files name their columns by id (Iceberg). */
  readonly fieldIdOf?: FieldIdOf;
}

/** The unit's identifier in the table (Delta's `txn` appId, Iceberg's snapshot summary): one per (group, hour). */
export function unitTransactionId(unit: CompactionUnit): string {
  return `stream-capture/${unit.group}/${hourIso(unit.hour)}`;
}

/** The unit's group and hour an identifier of {@link unitTransactionId} names, or null for another writer's. */
export function unitOfTransactionId(id: string): { group: string; hour: number } | null {
  const named = /^stream-capture\/([^/]+)\/(.+)$/.exec(id);
  const hour = Date.parse(named?.[2] ?? '') / HOUR_MS;
  return named && Number.isSafeInteger(hour) ? { group: named[1] as string, hour } : null;
}
