import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { isCommitted, tableColumnsOf } from '../../shared/compaction/deltaTable.js';
import { hourOf } from '../../shared/compaction/hours.js';
import { tableRootOf } from '../../shared/compaction/tableLayout.js';
import { unitNamedBy } from '../../shared/compaction/unitPaths.js';
import { parseUnitReport, type UnitReport } from '../../shared/compaction/unitReport.js';
import type { ObjectStore } from '../../shared/store.js';
import type { DataType } from '../../shared/tables/dataType.js';
import { tableObjectPath } from '../../shared/tables/delta/logFiles.js';
import { listTableFiles, loadSnapshot } from '../../shared/tables/delta/readSnapshot.js';

/** The report of every unit the topic's table holds (committed), with its path, oldest hour first. */
export async function committedUnits(
  objects: ObjectStore,
  topic: string,
): Promise<(UnitReport & { path: string })[]> {
  const root = tableRootOf(topic);
  const snapshot = await loadSnapshot(objects, root);
  const units: (UnitReport & { path: string })[] = [];
  for (const path of await objects.list(root)) {
    if (!unitNamedBy(path, 'report')) continue;
    const report = parseUnitReport(path, await objects.read(path));
    const unit = {
      topic,
      hour: hourOf(Date.parse(report.hour)),
      group: report.group,
      sequence: report.sequence,
    };
    if (isCommitted(snapshot, unit)) units.push({ path, ...report });
  }
  return units.sort(
    (a, b) => a.hour.localeCompare(b.hour) || a.group.localeCompare(b.group) || a.sequence - b.sequence,
  );
}

/** The store paths of the Parquet files the topic's Delta log lists: the table, as every reader reads it. */
export async function tableFilePaths(objects: ObjectStore, topic: string): Promise<string[]> {
  const root = tableRootOf(topic);
  return (await listTableFiles(objects, root)).map((add) => tableObjectPath(root, add.path));
}

/**
 * The rows of every file the Delta log lists, as DuckDB reads them (an independent Parquet reader),
 * with the file each came from. Files are copied out of the store first, since DuckDB reads local
 * paths. `select` picks the columns, e.g. casting a decimal to text, which DuckDB would otherwise
 * hand over as a double.
 */
export async function readCompactedRows(
  objects: ObjectStore,
  topic: string,
  select = '*',
): Promise<Record<string, unknown>[]> {
  const files = await tableFilePaths(objects, topic);
  if (files.length === 0) return [];
  return withLocalCopies(objects, files, async (connection, local) => {
    const sql = `SELECT ${select} FROM read_parquet([${local.map((path) => `'${path}'`).join(', ')}], union_by_name = true, filename = true)`;
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  });
}

/** Visible Parquet files under the topic's table that its Delta log does not list. */
export async function unlistedParquetFiles(objects: ObjectStore, topic: string): Promise<string[]> {
  const listed = new Set(await tableFilePaths(objects, topic));
  return (await objects.list(tableRootOf(topic))).filter(
    (path) => path.endsWith('.parquet') && !path.includes('/_delta_log/') && !listed.has(path),
  );
}

/**
 * The rows of the table as plain JSON values: DuckDB's rows with the columns the table types as JSON
 * text parsed back (at any depth), integers as numbers, and nulls of absent fields left out: what a
 * reader that follows the table's schema gets back from what was captured.
 */
export async function readCompactedValues(
  objects: ObjectStore,
  topic: string,
): Promise<Record<string, unknown>[]> {
  const snapshot = await loadSnapshot(objects, tableRootOf(topic));
  const columns = tableColumnsOf(snapshot);
  return (await readCompactedRows(objects, topic)).map((row) => {
    const values: Record<string, unknown> = {};
    for (const column of columns) {
      const value = plain(row[column.name], column.type);
      if (value !== undefined) values[column.name] = value;
    }
    return values;
  });
}

/** A DuckDB value as the JSON value it was written from, or undefined for a null. */
function plain(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return undefined;
  switch (type.kind) {
    case 'json':
      return JSON.parse(String(value));
    case 'long':
    case 'integer':
      return Number(value);
    case 'struct': {
      const object: Record<string, unknown> = {};
      // Parquet cannot tell a field that was null from one that was absent: both read as null.
      for (const field of type.fields) {
        object[field.name] = plain((value as Record<string, unknown>)[field.name], field.type) ?? null;
      }
      return object;
    }
    case 'array':
      return (value as unknown[]).map((item) => plain(item, type.element) ?? null);
    default:
      return value;
  }
}

async function withLocalCopies<T>(
  objects: ObjectStore,
  files: readonly string[],
  read: (connection: Awaited<ReturnType<DuckDBInstance['connect']>>, local: string[]) => Promise<T>,
): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'compacted-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const local = await Promise.all(
      files.map(async (file, index) => {
        const path = join(folder, `${index}.parquet`);
        await writeFile(path, await objects.read(file));
        return path;
      }),
    );
    return await read(connection, local);
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(folder, { recursive: true, force: true });
  }
}
