import type { CompactionUnit } from '../../shared/compaction/unitPaths.js';

/** An hour the table holds files of. */
export interface CommittedHour {
  /** The hour's start, ISO 8601. */
  readonly hour: string;
  readonly files: number;
  readonly rows: number;
  readonly bytes: number;
}

/** What the table itself says: its version, the hours it holds, its columns, and whether it holds a unit. */
export interface TableView {
  readonly version: number;
  readonly committedHours: readonly CommittedHour[];
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly holds: (unit: CompactionUnit) => boolean;
  /** Whether commits were expired from the table, so units' commit markers speak for it (see `CompactionTable.historyCut`). */
  readonly historyCut: boolean;
}
