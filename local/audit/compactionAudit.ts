import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readClaim } from '../../shared/compaction/claim.js';
import { isCommitted } from '../../shared/compaction/deltaTable.js';
import { hourOf } from '../../shared/compaction/hours.js';
import { tableRootOf } from '../../shared/compaction/tableLayout.js';
import { unitNamedBy } from '../../shared/compaction/unitPaths.js';
import { RAW_PREFIX } from '../../shared/paths/lakePaths.js';
import type { ObjectStore } from '../../shared/store.js';
import { tableObjectPath } from '../../shared/tables/delta/logFiles.js';
import { listTableFiles, loadSnapshot } from '../../shared/tables/delta/readSnapshot.js';
import { countParquetPositions, countRawPositions, type PositionCount } from './positionCounts.js';

export interface CompactionAudit {
  /** Records in the raw objects: what compaction had to turn into rows. */
  readonly rowsIn: number;
  /** Rows of the Parquet files the table's Delta log lists, as DuckDB reads them. */
  readonly rowsOut: number;
  /** Extra rows of a raw record's (generation, partition, position): every copy after the first. */
  readonly duplicates: number;
  /** Raw records found in no listed file. */
  readonly losses: number;
  /** Rows whose (generation, partition, position) is in no raw object. */
  readonly unexpected: number;
  /** Raw objects no committed unit covers, and raw objects more than one committed unit covers. */
  readonly rawObjectsUncovered: number;
  readonly rawObjectsCoveredTwice: number;
}

/**
 * Reads a compacted lake back the way a reader must, through the table's Delta log: every Parquet
 * file the log lists, read by DuckDB (which shares no code with the pipeline), against every record
 * of the raw objects, also read by DuckDB. Each raw record must be one row, and each raw object
 * covered by the claim of exactly one committed unit (a unit whose transaction the log holds). Files
 * are copied into `folder` first, since DuckDB reads local paths.
 */
export async function auditCompaction(
  objects: ObjectStore,
  topic: string,
  folder: string,
): Promise<CompactionAudit> {
  const root = tableRootOf(topic);
  const snapshot = await loadSnapshot(objects, root);
  const coverings = new Map<string, number>();
  for (const path of await objects.list(root)) {
    const named = unitNamedBy(path, 'claim');
    if (!named) continue;
    const hour = hourOfFolder(path);
    const unit = { topic, hour, group: named.group, sequence: named.sequence };
    if (!isCommitted(snapshot, unit)) continue;
    for (const covered of (await readClaim(objects, unit)).rawObjects)
      coverings.set(covered.path, (coverings.get(covered.path) ?? 0) + 1);
  }
  const rawPaths = await objects.list(`${RAW_PREFIX}/`);

  const rawKeys = new Set<string>();
  let rowsIn = 0;
  for (const { key, copies } of await positionsOfRaw(objects, rawPaths, join(folder, 'raw'))) {
    rawKeys.add(key);
    rowsIn += copies;
  }
  const files = (await listTableFiles(objects, root)).map((add) => tableObjectPath(root, add.path));
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

/** The hour (hours since the epoch) of a path under a table's `date=…/hour=…/` folder. */
function hourOfFolder(path: string): number {
  const match = /\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//.exec(path);
  if (!match) throw new Error(`${path} is not in an hour folder of a compacted table`);
  return hourOf(Date.parse(`${match[1]}T${match[2]}:00:00Z`));
}

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
  return countRawPositions(folder);
}

async function positionsOfParquet(
  objects: ObjectStore,
  paths: readonly string[],
  folder: string,
): Promise<PositionCount[]> {
  if (paths.length === 0) return [];
  await mkdir(folder, { recursive: true });
  const local = await Promise.all(
    paths.map(async (path, index) => {
      const file = join(folder, `${index}.parquet`);
      await writeFile(file, await objects.read(path));
      return file;
    }),
  );
  return countParquetPositions(local);
}
