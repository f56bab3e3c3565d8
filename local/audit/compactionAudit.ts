import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { COMPACTED_PREFIX, parseManifest } from '../../shared/compaction/manifest.js';
import { RAW_PREFIX } from '../../shared/paths/lakePaths.js';
import { pathSegment } from '../../shared/paths/pathSegment.js';
import type { ObjectStore } from '../../shared/store.js';
import { queryDuckDb } from './duckDb.js';

export interface CompactionAudit {
  /** Records in the raw objects: what compaction had to turn into rows. */
  readonly rowsIn: number;
  /** Rows of the Parquet files the manifests list, as DuckDB reads them. */
  readonly rowsOut: number;
  /** Extra rows of a raw record's (partition, position): every copy after the first. */
  readonly duplicates: number;
  /** Raw records found in no listed file. */
  readonly losses: number;
  /** Rows whose (partition, position) is in no raw object. */
  readonly unexpected: number;
  /** Raw objects no manifest covers, and raw objects more than one manifest covers. */
  readonly rawObjectsUncovered: number;
  readonly rawObjectsCoveredTwice: number;
}

/**
 * Reads a compacted lake back the way a reader must, through its manifests: every Parquet file a
 * manifest lists, read by DuckDB (which shares no code with the pipeline), against every record of
 * the raw objects, also read by DuckDB. Each raw record must be one row, and each raw object covered
 * by one manifest. Files are copied into `folder` first, since DuckDB reads local paths.
 */
export async function auditCompaction(
  objects: ObjectStore,
  topic: string,
  folder: string,
): Promise<CompactionAudit> {
  const manifestPaths = (await objects.list(`${COMPACTED_PREFIX}/${pathSegment(topic)}/`)).filter((path) =>
    path.includes('/_manifest-'),
  );
  const manifests = await Promise.all(
    manifestPaths.map(async (path) => parseManifest(path, await objects.read(path))),
  );
  const coverings = new Map<string, number>();
  for (const covered of manifests.flatMap((manifest) => manifest.rawObjects))
    coverings.set(covered.path, (coverings.get(covered.path) ?? 0) + 1);
  const rawPaths = await objects.list(`${RAW_PREFIX}/`);

  const rawKeys = new Set<string>();
  let rowsIn = 0;
  for (const { key, copies } of await positionsOfRaw(objects, rawPaths, join(folder, 'raw'))) {
    rawKeys.add(key);
    rowsIn += copies;
  }
  const files = manifests.flatMap((manifest) => manifest.files.map((file) => file.path));
  let rowsOut = 0;
  let duplicates = 0;
  let unexpected = 0;
  const found = new Set<string>();
  for (const { key, copies } of await positionsOfParquet(objects, files, join(folder, 'compacted'))) {
    rowsOut += copies;
    if (!rawKeys.has(key)) unexpected += copies;
    else {
      found.add(key);
      duplicates += copies - 1;
    }
  }
  return {
    rowsIn,
    rowsOut,
    duplicates,
    losses: rawKeys.size - found.size,
    unexpected,
    rawObjectsUncovered: rawPaths.filter((path) => !coverings.has(path)).length,
    rawObjectsCoveredTwice: [...coverings.values()].filter((count) => count > 1).length,
  };
}

type PositionCount = { key: string; copies: number };

async function positionsOfRaw(
  objects: ObjectStore,
  paths: readonly string[],
  folder: string,
): Promise<PositionCount[]> {
  if (paths.length === 0) return [];
  for (const path of paths) {
    const file = join(folder, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, await objects.read(path));
  }
  return (await queryDuckDb(`
    SELECT key, count(*)::INTEGER AS copies FROM (
      SELECT partition::VARCHAR || '/' || position::VARCHAR AS key
      FROM read_json('${folder}/**/*', format = 'newline_delimited', union_by_name = true))
    GROUP BY key`)) as PositionCount[];
}

async function positionsOfParquet(
  objects: ObjectStore,
  paths: readonly string[],
  folder: string,
): Promise<PositionCount[]> {
  if (paths.length === 0) return [];
  await mkdir(folder, { recursive: true });
  // Numbered copies: a file listed by two manifests is read twice, as a reader of both would.
  const local = await Promise.all(
    paths.map(async (path, index) => {
      const file = join(folder, `${index}.parquet`);
      await writeFile(file, await objects.read(path));
      return `'${file}'`;
    }),
  );
  return (await queryDuckDb(`
    SELECT key, count(*)::INTEGER AS copies FROM (
      SELECT _partition::VARCHAR || '/' || _position::VARCHAR AS key
      FROM read_parquet([${local.join(', ')}], union_by_name = true))
    GROUP BY key`)) as PositionCount[];
}
