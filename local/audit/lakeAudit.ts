import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEAD_LETTER_PREFIX } from '../../shared/paths/lakePaths.js';
import type { ObjectStore } from '../../shared/store.js';
import { queryDuckDb } from './duckDb.js';
import { countRawPositions } from './positionCounts.js';

export interface LakeAudit {
  /** Records found in raw objects and dead letters together. */
  readonly recordsOut: number;
  /** Extra copies of a delivered (partition, position): every copy after the first. */
  readonly duplicates: number;
  /** Delivered (partition, position) found nowhere. */
  readonly losses: number;
  /** (partition, position) found that was never delivered. */
  readonly unexpected: number;
  readonly deadLettersByReason: Record<string, number>;
}

/**
 * Downloads every visible raw and dead-letter object of a JSON-lines lake into `folder` and counts
 * with DuckDB, which shares no code with the pipeline, how often each delivered (partition, position)
 * appears. `expected` holds the delivered coordinates as `<partition>/<position>`, and, for records
 * of a later generation of positions (a recreated topic), `g<generation>:<partition>/<position>`.
 */
export async function auditLake(
  objects: ObjectStore,
  folder: string,
  expected: ReadonlySet<string>,
): Promise<LakeAudit> {
  const raw = await download(objects, 'raw', folder);
  const deadLetters = await download(objects, DEAD_LETTER_PREFIX, folder);
  const rows = [
    ...(raw === 0 ? [] : await countRawPositions(join(folder, 'raw'))),
    ...(deadLetters === 0 ? [] : await countRawPositions(join(folder, DEAD_LETTER_PREFIX))),
  ];
  let recordsOut = 0;
  let duplicates = 0;
  let unexpected = 0;
  const found = new Set<string>();
  for (const { key, copies } of rows) {
    recordsOut += copies;
    if (!expected.has(key)) unexpected += copies;
    else if (found.has(key)) duplicates += copies;
    else {
      found.add(key);
      duplicates += copies - 1;
    }
  }
  const reasons =
    deadLetters === 0
      ? []
      : await queryDuckDb(`
          SELECT reason, count(*)::INTEGER AS records
          FROM read_json('${join(folder, DEAD_LETTER_PREFIX)}/**/*', format = 'newline_delimited')
          GROUP BY reason ORDER BY reason`);
  return {
    recordsOut,
    duplicates,
    losses: [...expected].filter((key) => !found.has(key)).length,
    unexpected,
    deadLettersByReason: Object.fromEntries(reasons.map((row) => [row.reason, row.records])),
  };
}

async function download(objects: ObjectStore, prefix: string, folder: string): Promise<number> {
  const paths = await objects.list(prefix);
  for (const path of paths) {
    const file = join(folder, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, await objects.read(path));
  }
  return paths.length;
}
