import { queryDuckDb } from './duckDb.js';

/**
 * How often each record's coordinates appear, counted by DuckDB. A record is keyed
 * `<partition>/<position>`, or `g<generation>:<partition>/<position>` for a later generation of
 * positions (a recreated topic or event hub numbers them anew).
 */
export type PositionCount = { readonly key: string; readonly copies: number };

/**
 * The records of the JSON-lines files under `root`: raw objects' envelopes and dead letters' reports
 * both carry `partition` and `position`; the generation is in the object's name (`…-g2-<first>…`).
 */
export async function countRawPositions(root: string): Promise<PositionCount[]> {
  return (await queryDuckDb(`
    SELECT key, count(*)::INTEGER AS copies FROM (
      SELECT (CASE WHEN generation = '' THEN '' ELSE 'g' || generation || ':' END)
        || partition::VARCHAR || '/' || position::VARCHAR AS key
      FROM (SELECT *, regexp_extract(filename, '[-+]g(\\d+)-\\d{10,20}(\\.late)?(\\.[A-Za-z0-9]+)+$', 1) AS generation
        FROM read_json('${root}/**/*', format = 'newline_delimited', union_by_name = true, filename = true)))
    GROUP BY key`)) as PositionCount[];
}

/** The rows of compacted Parquet files, by their `_generation`, `_partition` and `_position` columns. */
export async function countParquetPositions(files: readonly string[]): Promise<PositionCount[]> {
  return (await queryDuckDb(`
    SELECT key, count(*)::INTEGER AS copies FROM (
      SELECT (CASE WHEN coalesce(_generation, 0) = 0 THEN '' ELSE 'g' || _generation::VARCHAR || ':' END)
        || _partition::VARCHAR || '/' || _position::VARCHAR AS key
      FROM read_parquet([${files.map((file) => `'${file}'`).join(', ')}], union_by_name = true))
    GROUP BY key`)) as PositionCount[];
}
