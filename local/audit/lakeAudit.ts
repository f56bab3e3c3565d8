import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEAD_LETTER_PREFIX } from '../../shared/paths/lakePaths.js';
import type { ObjectStore } from '../../shared/store.js';
import { queryDuckDb } from './duckDb.js';

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
    ...(raw === 0 ? [] : await countPositions(join(folder, 'raw'))),
    ...(deadLetters === 0 ? [] : await countPositions(join(folder, DEAD_LETTER_PREFIX))),
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

/**
 * A raw object's line is an envelope and a dead letter's a report: both carry the coordinates. The
 * generation is in the object's name (`…-g2-<first>…`), none for generation 0.
 */
async function countPositions(root: string): Promise<{ key: string; copies: number }[]> {
  const rows = await queryDuckDb(`
    SELECT key, count(*)::INTEGER AS copies FROM (
      SELECT (CASE WHEN generation = '' THEN '' ELSE 'g' || generation || ':' END)
        || partition::VARCHAR || '/' || position::VARCHAR AS key
      FROM (SELECT *, regexp_extract(filename, '[-+]g(\\d+)-\\d{10,20}(\\.late)?(\\.[A-Za-z0-9]+)+$', 1) AS generation
        FROM read_json('${root}/**/*', format = 'newline_delimited', union_by_name = true, filename = true)))
    GROUP BY key`);
  return rows as { key: string; copies: number }[];
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
