import { markedCommitted } from '../../shared/compaction/commitMarker.js';
import { isCommitted, tableColumnsOf } from '../../shared/compaction/deltaTable.js';
import { hourOf } from '../../shared/compaction/hours.js';
import { tableRootOf } from '../../shared/compaction/tableLayout.js';
import { hourIso, unitNamedBy } from '../../shared/compaction/unitPaths.js';
import { parseUnitReport, type ReportedChange } from '../../shared/compaction/unitReport.js';
import { readWatermark } from '../../shared/compaction/watermark.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import type { ObjectReader } from '../../shared/store.js';
import { typeName } from '../../shared/tables/dataType.js';
import { listTableFiles, loadSnapshot } from '../../shared/tables/delta/readSnapshot.js';
import { icebergView } from './icebergView.js';
import type { CommittedHour, TableView } from './tableView.js';

/** A compaction unit's report, committed or not (a unit whose run crashed before its commit). */
export interface UnitChanges {
  readonly hour: string;
  readonly group: string;
  readonly sequence: number;
  readonly committed: boolean;
  readonly rows: number;
  readonly changes: readonly ReportedChange[];
}

export type CompactionStatus =
  | { readonly kind: 'not-shown'; readonly reason: string }
  | {
      readonly kind: 'delta' | 'iceberg';
      readonly root: string;
      /** The Delta log's version, or the Iceberg metadata's (the path catalog's `v<N>`); -1 before the table exists. */
      readonly version: number;
      readonly committedHours: readonly CommittedHour[];
      /** Hours with sealed raw objects in the console's window that the table holds nothing of yet. */
      readonly waitingHours: readonly string[];
      /** Each partition group's watermark: the first hour it has not completed. */
      readonly watermarks: readonly { readonly group: string; readonly completeBefore: string }[];
      readonly columns: readonly { readonly name: string; readonly type: string }[];
      readonly units: readonly UnitChanges[];
    };

/**
 * What compaction has made of the lake: the table read as compaction reads it (the Delta log, or the
 * Iceberg metadata the path catalog points at: the hours it holds, its schema), the groups'
 * watermarks, and the units' reports, which say how the schema changed. `rawHours` are the hours the
 * grid found sealed raw objects in.
 */
export async function compactionStatusOf(
  objects: ObjectReader,
  topic: TopicConfig,
  rawHours: readonly number[],
): Promise<CompactionStatus> {
  if (topic.format === 'raw')
    return { kind: 'not-shown', reason: 'format raw: its objects are not compacted' };
  const root = tableRootOf(topic.name);
  const kind = topic.compaction.table;
  const table = kind === 'delta' ? await deltaView(objects, root) : await icebergView(objects, root);
  if ('reason' in table) return { kind: 'not-shown', reason: table.reason };
  const watermarks = [];
  for (const path of await objects.list(`${root}_watermarks/`)) {
    const group = /([^/]+)\.json$/.exec(path)?.[1];
    if (group === undefined) continue;
    const hour = await readWatermark(objects, topic.name, group);
    if (hour !== null) watermarks.push({ group, completeBefore: hourIso(hour) });
  }
  const units: UnitChanges[] = [];
  const listed = await objects.list(root);
  // Hours of units whose snapshots maintenance expired: held all the same, counted from their reports.
  const expiredHours = new Map<string, CommittedHour>();
  const summarized = new Set(table.committedHours.map(({ hour }) => hour));
  for (const path of listed) {
    if (!unitNamedBy(path, 'report')) continue;
    const report = parseUnitReport(path, await objects.read(path));
    const unit = {
      topic: topic.name,
      hour: hourOf(Date.parse(report.hour)),
      group: report.group,
      sequence: report.sequence,
    };
    // As compaction reads them: a marker counts only once the table's history was cut.
    const committed = table.holds(unit) || (table.historyCut && markedCommitted(listed, unit));
    if (committed && !table.holds(unit) && !summarized.has(report.hour)) {
      const totals = expiredHours.get(report.hour) ?? { hour: report.hour, files: 0, rows: 0, bytes: 0 };
      expiredHours.set(report.hour, {
        hour: report.hour,
        files: totals.files + report.files.length,
        rows: totals.rows + report.files.reduce((sum, file) => sum + file.rows, 0),
        bytes: totals.bytes + report.files.reduce((sum, file) => sum + file.bytes, 0),
      });
    }
    units.push({
      hour: report.hour,
      group: report.group,
      sequence: report.sequence,
      committed,
      rows: report.files.reduce((sum, file) => sum + file.rows, 0),
      changes: report.changes,
    });
  }
  const committedHours = [...table.committedHours, ...expiredHours.values()];
  const committed = new Set(committedHours.map(({ hour }) => hour));
  return {
    kind,
    root,
    version: table.version,
    committedHours: committedHours.sort((a, b) => (a.hour < b.hour ? -1 : 1)),
    waitingHours: rawHours.map(hourIso).filter((hour) => !committed.has(hour)),
    watermarks,
    columns: table.columns,
    units: units.sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : a.sequence - b.sequence)),
  };
}

async function deltaView(objects: ObjectReader, root: string): Promise<TableView> {
  const snapshot = await loadSnapshot(objects, root);
  const byHour = new Map<string, { files: number; rows: number; bytes: number }>();
  for (const file of await listTableFiles(objects, root)) {
    const { date, hour } = file.partitionValues;
    const key = new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`).toISOString();
    const totals = byHour.get(key) ?? { files: 0, rows: 0, bytes: 0 };
    totals.files++;
    totals.rows += rowsOf(file.stats);
    totals.bytes += file.size;
    byHour.set(key, totals);
  }
  return {
    version: snapshot.version,
    committedHours: [...byHour].map(([hour, totals]) => ({ hour, ...totals })),
    columns: tableColumnsOf(snapshot).map((column) => ({ name: column.name, type: typeName(column.type) })),
    holds: (unit) => isCommitted(snapshot, unit),
    historyCut: false,
  };
}

/** A file's row count from its Delta stats (`numRecords`); 0 when a writer left stats out. */
function rowsOf(stats: string | undefined): number {
  if (stats === undefined) return 0;
  const rows = (JSON.parse(stats) as { numRecords?: unknown }).numRecords;
  return typeof rows === 'number' ? rows : 0;
}
