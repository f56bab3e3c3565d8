import { createHash } from 'node:crypto';
import { CaptureError } from '../errors.js';
import type { ObjectStore } from '../store.js';
import { type StructField, typeName } from '../tables/dataType.js';
import type { FieldIdOf } from '../tables/parquetSchema.js';
import { type CompactedFormat, rowsOfRawObject } from './formats.js';
import { createParquetFileWriter, type ParquetFileWriter } from './parquetFile.js';
import type { RawObject } from './rawObjects.js';
import type { DeclaredBody } from './registryColumns/declaredTypes.js';
import type { WriterSchemaColumns } from './registryColumns/writerSchemaColumns.js';
import { createRowShaper } from './rowShaper.js';
import type { RawRow } from './rows.js';
import { type JsonRow, SchemaObserver, type UnitSchema } from './schema.js';
import { type CompactionUnit, dataFilePath, hourIso, unitStagingPath } from './unitPaths.js';
import type { CompactedFile, CoveredRawObject } from './unitReport.js';
import { assertDisjointPositions, assertRisingPosition, PositionTally } from './verification.js';

/**
 * The version of what compaction writes for given inputs (columns, encodings, writer): raise it with
 * any change that alters the Parquet bytes, so files of the old version are never reused as the new.
 */
const PARQUET_OUTPUT_VERSION = 'hyparquet-writer-0.17/4';

/** Sizes that bound a compaction's memory and shape its output. */
export interface CompactionLimits {
  /** A new file starts once a file's Parquet bytes reach this. */
  readonly targetFileBytes: number;
  /** A row group is cut once its rows' JSON reaches this many bytes: the memory a compaction holds. */
  readonly rowGroupInputBytes: number;
}

export interface UnitInputs {
  readonly unit: CompactionUnit;
  /** What the unit's claim fixed. */
  readonly rawObjects: readonly RawObject[];
  readonly format: CompactedFormat;
  /** JSON lines only: each line is an envelope with the record's coordinates. */
  readonly envelope: boolean;
  /** Raw objects other units of the hour cover: this unit's positions must not overlap them. */
  readonly alreadyCovered: readonly CoveredRawObject[];
  /** The table's schema when the unit was claimed (see `UnitClaim`), null before the table existed. */
  readonly tableSchemaAtClaim: string | null;
  /** The column types of the registry writer schemas the rows name. */
  readonly writerSchemas: WriterSchemaColumns;
}

/** The first pass over a unit: what its rows look like and what must come out. */
export interface InferredUnit {
  readonly schema: UnitSchema;
  readonly covered: readonly CoveredRawObject[];
  readonly read: PositionTally;
  readonly rawBytesRead: number;
}

/**
 * What reading a unit's raw objects finds, row by row: its columns, the positions read and the raw
 * objects covered, checking that positions rise within each object and that no position comes
 * twice, within the unit or against other units of the hour.
 */
class UnitReading {
  private readonly observer = new SchemaObserver();
  private readonly read = new PositionTally();
  private readonly covered: CoveredRawObject[] = [];
  private object: {
    path: string;
    partition: string;
    first: number | null;
    last: number | null;
    rows: number;
  } | null = null;
  rawBytesRead = 0;

  startObject(object: RawObject): void {
    this.object = { path: object.path, partition: object.partition, first: null, last: null, rows: 0 };
  }

  row(raw: RawRow, declared: DeclaredBody | undefined): void {
    const object = this.object as NonNullable<UnitReading['object']>;
    this.observer.observe(raw.row, raw.sources, declared);
    assertRisingPosition(object.last, raw.position, object.path);
    object.first ??= raw.position;
    object.last = raw.position;
    object.rows++;
    this.read.add(object.partition, raw.position);
  }

  endObject(): void {
    const object = this.object as NonNullable<UnitReading['object']>;
    const { path, partition, rows, first, last } = object;
    this.covered.push({ path, partition, rows, firstPosition: first, lastPosition: last });
  }

  finish(inputs: UnitInputs): InferredUnit {
    assertDisjointPositions(this.covered, inputs.alreadyCovered, describeUnit(inputs.unit));
    return {
      schema: this.observer.resolve(),
      covered: this.covered,
      read: this.read,
      rawBytesRead: this.rawBytesRead,
    };
  }
}

/**
 * Pass 1: infers the unit's columns (a Parquet file's schema precedes its rows) and tallies what was
 * read (see `UnitReading`).
 */
export async function inferUnit(objects: ObjectStore, inputs: UnitInputs): Promise<InferredUnit> {
  const reading = new UnitReading();
  for (const object of inputs.rawObjects) {
    reading.startObject(object);
    for (const raw of await rowsOf(objects, object, inputs, (bytes) => (reading.rawBytesRead += bytes))) {
      const declared = declaredBodyOf(inputs.writerSchemas, raw);
      reading.row(raw, declared instanceof Promise ? await declared : declared);
    }
    reading.endObject();
  }
  return reading.finish(inputs);
}

/** A staged data file: its chunks, in order, and what it holds. */
export interface StagedFile extends CompactedFile {
  readonly chunks: readonly string[];
  /** Lowest and highest `_position` and `_timestamp` (epoch ms), for the file's Delta statistics. */
  readonly bounds: FileBounds;
}

export interface FileBounds {
  readonly position: { min: number; max: number; nulls: number } | null;
  readonly timestamp: { min: number; max: number; nulls: number } | null;
}

export interface WrittenUnit {
  readonly files: readonly StagedFile[];
  readonly rows: number;
  readonly rescuedRows: number;
  /** Values that fit no column of files without a rescue column: such files cannot be committed. */
  readonly misfits: number;
  /** What pass 1 found, or what this pass found when there was none. */
  readonly inferred: InferredUnit;
}

/**
 * Writes the unit's rows, row group by row group, into Parquet files with the given columns, staging
 * each row group as it is encoded, so memory holds one row group, never the hour. After pass 1
 * (`inferred`) this is pass 2, with the table's types for the unit's paths; without it, the only pass,
 * which also does pass 1's reading (see `compactUnit` for when the columns can be known before).
 * Nothing is published here: the caller publishes once the files are shown to hold exactly what was
 * read. `fieldIdOf` gives the columns the field ids an Iceberg table needs.
 */
export async function writeUnitFiles(
  objects: ObjectStore,
  inputs: UnitInputs,
  inferred: InferredUnit | null,
  columns: readonly StructField[],
  limits: CompactionLimits,
  fieldIdOf?: FieldIdOf,
): Promise<WrittenUnit> {
  const { unit } = inputs;
  // Everything that shapes the files goes into their names: a rerun with other limits, another
  // writer or other columns must not take files a crashed run published for its own.
  const digest = createHash('sha256')
    .update(JSON.stringify(inputs.rawObjects.map((object) => object.path)))
    .update(JSON.stringify([limits.targetFileBytes, limits.rowGroupInputBytes, PARQUET_OUTPUT_VERSION]))
    .update(JSON.stringify(columns.map((column) => [column.name, typeName(column.type)])))
    .update(fieldIdOf ? JSON.stringify(columns.map((column) => fieldIdOf([column.name]))) : '')
    .digest('hex')
    .slice(0, 16);
  const shaper = createRowShaper(columns, { strict: inferred !== null });
  const reading = inferred === null ? new UnitReading() : null;
  // The row group's bounds, tallied as its rows are shaped, then added to its file's.
  let bounds = new BoundsTally();
  const written = new PositionTally();
  const files: StagedFile[] = [];
  let current: { path: string; chunks: string[]; writer: ParquetFileWriter; bounds: BoundsTally } | undefined;
  let groupBytes = 0;
  const finishFile = async () => {
    if (!current) return;
    const stats = await current.writer.finish();
    files.push({ path: current.path, chunks: current.chunks, ...stats, bounds: current.bounds.bounds() });
    current = undefined;
  };
  const writeGroup = async () => {
    const group = shaper.take();
    if (group.rows === 0) return;
    if (!current) {
      const fileIndex = files.length;
      const chunks: string[] = [];
      const writer = await createParquetFileWriter(
        columns,
        async (bytes) => {
          const path = unitStagingPath(
            unit,
            digest,
            `part-${fileIndex}-${String(chunks.length).padStart(6, '0')}`,
          );
          chunks.push(path);
          await objects.stage(path, bytes);
        },
        fieldIdOf,
      );
      current = { path: dataFilePath(unit, fileIndex, digest), chunks, writer, bounds: new BoundsTally() };
    }
    current.bounds.add(bounds);
    bounds = new BoundsTally();
    await current.writer.writeRowGroup(group.columns, group.rows);
    groupBytes = 0;
    if (current.writer.bytesWritten() >= limits.targetFileBytes) await finishFile();
  };
  for (const object of inputs.rawObjects) {
    reading?.startObject(object);
    const countBytes = (bytes: number) => {
      if (reading) reading.rawBytesRead += bytes;
    };
    for (const raw of await rowsOf(objects, object, inputs, countBytes)) {
      if (reading) {
        const declared = declaredBodyOf(inputs.writerSchemas, raw);
        reading.row(raw, declared instanceof Promise ? await declared : declared);
      }
      shaper.add(raw.row);
      bounds.addRow(raw.row);
      groupBytes += raw.lineBytes;
      written.add(object.partition, raw.position);
      if (groupBytes >= limits.rowGroupInputBytes) await writeGroup();
    }
    reading?.endObject();
  }
  await writeGroup();
  await finishFile();

  const what = describeUnit(unit);
  const read = inferred ?? (reading as UnitReading).finish(inputs);
  read.read.assertSameAs(written, what);
  const rows = files.reduce((sum, file) => sum + file.rows, 0);
  if (rows !== read.read.rows()) {
    throw new CaptureError(
      `${what}: read ${read.read.rows()} rows but the files hold ${rows}; nothing is published`,
      {
        retriable: false,
      },
    );
  }
  return { files, rows, rescuedRows: shaper.rescuedRows(), misfits: shaper.misfits(), inferred: read };
}

export function describeUnit(unit: CompactionUnit): string {
  return `compaction of ${unit.topic} ${hourIso(unit.hour)} (group ${unit.group}, #${unit.sequence})`;
}

/** Lowest and highest of a file's `_position` and `_timestamp`, with their nulls. */
class BoundsTally {
  private readonly position = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, nulls: 0 };
  private readonly timestamp = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, nulls: 0 };

  addRow(row: JsonRow): void {
    tally(this.position, row._position);
    tally(this.timestamp, row._timestamp);
  }

  /** Adds another tally's rows (a row group's) into this one's. */
  add(other: BoundsTally): void {
    for (const key of ['position', 'timestamp'] as const) {
      const mine = this[key];
      const theirs = other[key];
      mine.nulls += theirs.nulls;
      mine.min = Math.min(mine.min, theirs.min);
      mine.max = Math.max(mine.max, theirs.max);
    }
  }

  bounds(): FileBounds {
    const done = (entry: { min: number; max: number; nulls: number }) =>
      entry.min === Number.POSITIVE_INFINITY && entry.nulls === 0 ? null : { ...entry };
    return { position: done(this.position), timestamp: done(this.timestamp) };
  }
}

function tally(entry: { min: number; max: number; nulls: number }, value: unknown): void {
  if (typeof value !== 'number') {
    entry.nulls++;
    return;
  }
  if (value < entry.min) entry.min = value;
  if (value > entry.max) entry.max = value;
}

/**
 * The column types the row's writer schema declares: a promise only for a schema not loaded yet, so
 * the usual row costs no wait (an `await` per row would, over an hour of rows).
 */
function declaredBodyOf(
  schemas: WriterSchemaColumns,
  raw: RawRow,
): DeclaredBody | undefined | Promise<DeclaredBody> {
  if (raw.writerSchema === undefined) return undefined;
  return schemas.known(raw.writerSchema) ?? schemas.load(raw.writerSchema);
}

async function rowsOf(
  objects: ObjectStore,
  object: RawObject,
  { format, envelope }: UnitInputs,
  countBytes: (bytes: number) => void,
): Promise<Iterable<RawRow>> {
  return rowsOfRawObject(format, envelope, object, await objects.read(object.path), countBytes);
}
