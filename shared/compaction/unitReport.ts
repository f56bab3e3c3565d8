import { CaptureError } from '../errors.js';

const REPORT_FORMAT = 'stream-capture.compaction-unit/1';

/** A raw object a unit covers: its rows and, with an envelope, its positions. */
export interface CoveredRawObject {
  readonly path: string;
  readonly partition: string;
  readonly rows: number;
  readonly firstPosition: number | null;
  readonly lastPosition: number | null;
}

export interface CompactedFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly rowGroups: number;
}

/** A column of the unit's files, as the report shows it. */
export interface ReportedColumn {
  readonly name: string;
  /** Delta's spelling: `long`, `struct<id:string,…>`, `array<…>`; `json` for JSON text. */
  readonly type: string;
  readonly source: string;
}

/** Something inference or the table decided about a path. */
export interface ReportedChange {
  readonly path: string;
  readonly change: string;
  readonly detail: string;
}

/**
 * What a unit wrote and why, beside its files (`_unit-<group>-<n>.json`): its columns, every schema
 * decision (a field added to the table, a path kept as JSON text, values rescued), the raw objects it
 * covers with their positions, and its files. Published before the unit's Delta commit; readers need
 * none of it (the Delta log is the table), but later units of the hour check their positions against
 * the ones reported here, so no record can be compacted twice.
 */
export interface UnitReport {
  readonly format: typeof REPORT_FORMAT;
  readonly topic: string;
  readonly hour: string;
  readonly group: string;
  readonly sequence: number;
  /** The Delta transaction that commits the unit: its `txn` action's appId and version. */
  readonly transaction: { readonly appId: string; readonly version: number };
  readonly columns: readonly ReportedColumn[];
  readonly changes: readonly ReportedChange[];
  /** Rows with a value in `_rescued_data`. */
  readonly rescuedRows: number;
  readonly files: readonly CompactedFile[];
  readonly rawObjects: readonly CoveredRawObject[];
  /** Per partition: rows and the lowest and highest position (null without an envelope). */
  readonly offsets: Readonly<Record<string, { rows: number; first: number | null; last: number | null }>>;
}

export function newUnitReport(fields: Omit<UnitReport, 'format'>): UnitReport {
  return { format: REPORT_FORMAT, ...fields };
}

export function parseUnitReport(path: string, bytes: Buffer): UnitReport {
  const report = JSON.parse(bytes.toString('utf8')) as UnitReport;
  if (report.format !== REPORT_FORMAT || !Array.isArray(report.rawObjects)) {
    throw new CaptureError(`${path} is not a compaction unit report of format ${REPORT_FORMAT}`, {
      retriable: false,
    });
  }
  return report;
}
