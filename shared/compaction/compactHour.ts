import { createHash } from 'node:crypto';
import { CaptureError } from '../errors.js';
import type { ObjectStore } from '../store.js';
import { type CompactedFormat, rowsOfRawObject } from './formats.js';
import {
  type CompactedFile,
  type CompactionManifest,
  type CompactionUnit,
  type CoveredRawObject,
  dataFilePath,
  hourIso,
  manifestPath,
  newManifest,
  parseManifest,
  type SchemaFile,
  schemaPath,
  unitStagingPath,
} from './manifest.js';
import { createParquetFileWriter, type ParquetFileWriter } from './parquetFile.js';
import type { RawObject } from './rawObjects.js';
import type { RawRow } from './rows.js';
import { type ColumnSchema, changesSinceEarlier, type JsonRow, SchemaObserver } from './schema.js';
import { assertDisjointPositions, assertRisingPosition, PositionTally } from './verification.js';

/**
 * The version of what compaction writes for given inputs (columns, encodings, writer): raise it with
 * any change that alters the Parquet bytes, so files of the old version are never reused as the new.
 */
const PARQUET_OUTPUT_VERSION = 'hyparquet-writer-0.17/1';

/** Sizes that bound a compaction's memory and shape its output. */
export interface CompactionLimits {
  /** A new file starts once a file's Parquet bytes reach this. */
  readonly targetFileBytes: number;
  /** A row group is cut once its rows' JSON reaches this many bytes: the memory a compaction holds. */
  readonly rowGroupInputBytes: number;
}

/** What one compaction unit did. `published` is false when a concurrent run published it first. */
export interface HourResult {
  readonly published: boolean;
  readonly files: readonly CompactedFile[];
  readonly rows: number;
  readonly rawObjectsRead: number;
  readonly rawBytesRead: number;
  readonly schemaChanges: number;
}

export interface HourInputs {
  readonly unit: CompactionUnit;
  readonly rawObjects: readonly RawObject[];
  readonly format: CompactedFormat;
  /** JSON lines only: each line is an envelope with the record's coordinates. */
  readonly envelope: boolean;
  /** Raw objects earlier manifests of the hour cover: positions of this run must not overlap them. */
  readonly alreadyCovered: readonly CoveredRawObject[];
  readonly earlierSchemas: readonly (readonly ColumnSchema[])[];
}

/**
 * Compacts raw objects of one hour into Parquet, in two passes over the objects so that memory holds
 * one row group, never the hour: the first infers the schema (a Parquet file's schema precedes its
 * rows' use) and tallies positions; the second writes row groups, staged as they are encoded. Only
 * when what was written matches what was read does anything become visible: the data files, the
 * schema file, and last the manifest. Every name comes from the inputs, and publishing is create-only,
 * so a rerun after a crash, or a concurrent run, publishes the same files and one manifest.
 */
export async function compactHour(
  objects: ObjectStore,
  inputs: HourInputs,
  limits: CompactionLimits,
): Promise<HourResult> {
  const { unit } = inputs;
  const what = `compaction of ${unit.topic} ${hourIso(unit.hour)} (group ${unit.group}, #${unit.sequence})`;
  // What shapes the files goes into their names too: a rerun with other limits or another writer,
  // after a crash that left files published, must not take those files for its own.
  const digest = createHash('sha256')
    .update(JSON.stringify(inputs.rawObjects.map((object) => object.path)))
    .update(JSON.stringify([limits.targetFileBytes, limits.rowGroupInputBytes, PARQUET_OUTPUT_VERSION]))
    .digest('hex')
    .slice(0, 16);

  // Pass 1: schema, coverage and what must come out.
  const observer = new SchemaObserver();
  const read = new PositionTally();
  const covered: CoveredRawObject[] = [];
  let rawBytesRead = 0;
  for (const object of inputs.rawObjects) {
    let first: number | null = null;
    let last: number | null = null;
    let rows = 0;
    for (const raw of await rowsOf(objects, object, inputs, (bytes) => (rawBytesRead += bytes))) {
      observer.observe(raw.row, raw.sources);
      assertRisingPosition(last, raw.position, object.path);
      first ??= raw.position;
      last = raw.position;
      rows++;
      read.add(object.partition, raw.position);
    }
    covered.push({
      path: object.path,
      partition: object.partition,
      rows,
      firstPosition: first,
      lastPosition: last,
    });
  }
  assertDisjointPositions(covered, inputs.alreadyCovered, what);
  const resolved = observer.resolve();
  const schema = {
    columns: resolved.columns,
    changes: [...resolved.changes, ...changesSinceEarlier(resolved, inputs.earlierSchemas)],
  };

  // Pass 2: row groups, staged file by file.
  const written = new PositionTally();
  const staged: { path: string; chunks: string[]; writer: ParquetFileWriter }[] = [];
  const stats: CompactedFile[] = [];
  let current: (typeof staged)[number] | undefined;
  let group: JsonRow[] = [];
  let groupBytes = 0;
  const finishFile = async () => {
    if (!current) return;
    const file = await current.writer.finish();
    stats.push({ path: current.path, ...file });
    current = undefined;
  };
  const writeGroup = async () => {
    if (group.length === 0) return;
    if (!current) {
      const fileIndex = staged.length;
      const chunks: string[] = [];
      const writer = await createParquetFileWriter(schema.columns, async (bytes) => {
        const path = unitStagingPath(
          unit,
          digest,
          `part-${fileIndex}-${String(chunks.length).padStart(6, '0')}`,
        );
        chunks.push(path);
        await objects.stage(path, bytes);
      });
      current = { path: dataFilePath(unit, fileIndex, digest), chunks, writer };
      staged.push(current);
    }
    await current.writer.writeRowGroup(group);
    group = [];
    groupBytes = 0;
    if (current.writer.bytesWritten() >= limits.targetFileBytes) await finishFile();
  };
  for (const object of inputs.rawObjects) {
    for (const raw of await rowsOf(objects, object, inputs, () => {})) {
      group.push(raw.row);
      groupBytes += raw.lineBytes;
      written.add(object.partition, raw.position);
      if (groupBytes >= limits.rowGroupInputBytes) await writeGroup();
    }
  }
  await writeGroup();
  await finishFile();

  read.assertSameAs(written, what);
  const fileRows = stats.reduce((sum, file) => sum + file.rows, 0);
  if (fileRows !== read.rows()) {
    throw new CaptureError(
      `${what}: read ${read.rows()} rows but the files hold ${fileRows}; nothing is published`,
      {
        retriable: false,
      },
    );
  }

  const schemaFile: SchemaFile = {
    topic: unit.topic,
    hour: hourIso(unit.hour),
    group: unit.group,
    sequence: unit.sequence,
    ...schema,
  };
  const manifest = newManifest({
    topic: unit.topic,
    hour: hourIso(unit.hour),
    group: unit.group,
    sequence: unit.sequence,
    schema: schemaPath(unit),
    files: stats,
    rawObjects: covered,
    offsets: offsetsOf(covered),
  });
  for (const file of staged) await objects.publish(file.path, file.chunks);
  const schemaStaging = unitStagingPath(unit, digest, 'schema');
  const manifestStaging = unitStagingPath(unit, digest, 'manifest');
  await objects.stage(schemaStaging, jsonBytes(schemaFile));
  await objects.publish(schemaPath(unit), [schemaStaging]);
  await objects.stage(manifestStaging, jsonBytes(manifest));
  const outcome = await objects.publish(manifestPath(unit), [manifestStaging]);
  if (outcome === 'exists') await assertSameCoverage(objects, manifestPath(unit), manifest, what);
  await objects.deleteStaged([...staged.flatMap((file) => file.chunks), schemaStaging, manifestStaging]);
  return {
    published: outcome === 'created',
    files: stats,
    rows: fileRows,
    rawObjectsRead: inputs.rawObjects.length,
    rawBytesRead,
    schemaChanges: schema.changes.length,
  };
}

async function rowsOf(
  objects: ObjectStore,
  object: RawObject,
  { format, envelope }: HourInputs,
  countBytes: (bytes: number) => void,
): Promise<Iterable<RawRow>> {
  return rowsOfRawObject(format, envelope, object, await objects.read(object.path), countBytes);
}

function offsetsOf(covered: readonly CoveredRawObject[]): CompactionManifest['offsets'] {
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

/**
 * A manifest of the same name was there already: a concurrent run of the same unit, or a rerun. The
 * unit's claim fixed its raw objects, so the manifest must cover the same ones; anything else means
 * the lake was written by something that does not follow the claim, and nothing more is published.
 */
async function assertSameCoverage(
  objects: ObjectStore,
  path: string,
  ours: CompactionManifest,
  what: string,
): Promise<void> {
  const theirs = parseManifest(path, await objects.read(path));
  const paths = (manifest: CompactionManifest) => manifest.rawObjects.map((object) => object.path).join('\n');
  if (paths(theirs) !== paths(ours)) {
    throw new CaptureError(
      `${what}: ${path} covers other raw objects than this unit's claim; was the hour compacted by another version or tool?`,
      { retriable: false },
    );
  }
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}
