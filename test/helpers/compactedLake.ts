import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  COMPACTED_PREFIX,
  type CompactionManifest,
  parseManifest,
  type SchemaFile,
} from '../../shared/compaction/manifest.js';
import type { ObjectStore } from '../../shared/store.js';

/** Every manifest of the topic's compacted lake, with its path. */
export async function compactedManifests(
  objects: ObjectStore,
  topic: string,
): Promise<(CompactionManifest & { path: string })[]> {
  const paths = (await objects.list(`${COMPACTED_PREFIX}/${topic}/`)).filter((path) =>
    path.includes('/_manifest-'),
  );
  return Promise.all(paths.map(async (path) => ({ path, ...parseManifest(path, await objects.read(path)) })));
}

/**
 * The rows of every file a manifest lists, as DuckDB reads them (an independent Parquet reader), with
 * the file each came from. Files are copied out of the store first, since DuckDB reads local paths.
 */
export async function readCompactedRows(
  objects: ObjectStore,
  topic: string,
): Promise<Record<string, unknown>[]> {
  const files = (await compactedManifests(objects, topic)).flatMap((manifest) => manifest.files);
  if (files.length === 0) return [];
  const folder = await mkdtemp(join(tmpdir(), 'compacted-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const local = await Promise.all(
      files.map(async (file, index) => {
        const path = join(folder, `${index}.parquet`);
        await writeFile(path, await objects.read(file.path));
        return `'${path}'`;
      }),
    );
    const sql = `SELECT * FROM read_parquet([${local.join(', ')}], union_by_name = true, filename = true)`;
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(folder, { recursive: true, force: true });
  }
}

/** Visible Parquet files under the topic's compacted prefix that no manifest lists. */
export async function unlistedParquetFiles(objects: ObjectStore, topic: string): Promise<string[]> {
  const listed = new Set(
    (await compactedManifests(objects, topic)).flatMap((manifest) => manifest.files.map((file) => file.path)),
  );
  return (await objects.list(`${COMPACTED_PREFIX}/${topic}/`)).filter(
    (path) => path.endsWith('.parquet') && !listed.has(path),
  );
}

/**
 * The rows of every file a manifest lists, read by DuckDB file by file, with the columns the file's
 * schema file types as JSON parsed back into values: what a reader that follows the schema file
 * gets, whichever type a column has in each file.
 */
export async function readCompactedValues(
  objects: ObjectStore,
  topic: string,
): Promise<Record<string, unknown>[]> {
  const manifests = await compactedManifests(objects, topic);
  const folder = await mkdtemp(join(tmpdir(), 'compacted-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const rows: Record<string, unknown>[] = [];
    for (const [manifestIndex, manifest] of manifests.entries()) {
      const schema = JSON.parse((await objects.read(manifest.schema)).toString('utf8')) as SchemaFile;
      const jsonColumns = schema.columns
        .filter((column) => column.type === 'json')
        .map((column) => column.name);
      for (const [fileIndex, file] of manifest.files.entries()) {
        const path = join(folder, `${manifestIndex}-${fileIndex}.parquet`);
        await writeFile(path, await objects.read(file.path));
        const read = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
        for (const row of read.getRowObjectsJS() as Record<string, unknown>[]) {
          for (const name of jsonColumns) {
            if (typeof row[name] === 'string') row[name] = JSON.parse(row[name]);
          }
          rows.push(row);
        }
      }
    }
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(folder, { recursive: true, force: true });
  }
}
