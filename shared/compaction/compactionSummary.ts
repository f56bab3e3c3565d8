import type { UnitResult } from './compactUnit.js';

/** What a compaction run did, for its log line and metrics. */
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
  /**
   * Hours from the group's watermark to the current hour: not known complete (0 when every closed
   * hour is in the table). Grows while compaction is down, and shrinks as it catches up.
   */
  hoursBehind: number;
  /** Raw objects this run saw that no unit in the table covers yet (late ones, or of hours still open). */
  rawObjectsPending: number;
  /** Hours whose late objects came after the lookback, found through their markers this run. */
  lateHoursFound: number;
  /** Snapshots the table's maintenance expired this run (an Iceberg table's, about once a day). */
  snapshotsExpired: number;
  /** Metadata files the table's maintenance deleted: expired manifest lists, superseded or orphaned metadata. */
  metadataFilesDeleted: number;
  /** Why the run compacted nothing by design (a `raw` topic), so the log line says so; absent otherwise. */
  notCompacted?: string;
}

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
    hoursBehind: 0,
    rawObjectsPending: 0,
    lateHoursFound: 0,
    snapshotsExpired: 0,
    metadataFilesDeleted: 0,
  };
}

/** Adds `part` into `total` (mutates `total`); the backlog is a state, so the latest run's figures stand. */
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
  total.hoursBehind = part.hoursBehind;
  total.rawObjectsPending = part.rawObjectsPending;
  total.lateHoursFound += part.lateHoursFound;
  total.snapshotsExpired += part.snapshotsExpired;
  total.metadataFilesDeleted += part.metadataFilesDeleted;
  if (part.notCompacted !== undefined) total.notCompacted = part.notCompacted;
  return total;
}

/** Counts one unit's work into the run's summary. */
export function addUnitResult(summary: CompactionSummary, result: UnitResult): void {
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
