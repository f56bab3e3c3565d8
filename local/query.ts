import { queryDuckDb } from './audit/duckDb.js';
import { parseCommandArgs, runCommand, usageError } from './cli/command.js';

const USAGE = `Usage: npm run query -- "<SQL>"

Runs one query in DuckDB (the @duckdb/node-api this project installs; no DuckDB CLI needed) and prints
the rows as a table. For example, what npm run local wrote into .lake:

  npm run query -- "SELECT partition, count(*) AS records FROM read_json('.lake/raw/**/*.jsonl.zst', format = 'newline_delimited') GROUP BY partition ORDER BY partition"`;

/** Row limit of the printed table: a query over a whole lake should aggregate, not list it. */
const MAX_ROWS = 200;

runCommand('query', async () => {
  const { positionals } = parseCommandArgs({ allowPositionals: true }, USAGE);
  if (positionals.length !== 1) usageError('give the query as one argument, in double quotes', USAGE);
  const rows = await queryDuckDb(positionals[0] as string);
  // DuckDB's BIGINT arrives as a bigint, which console.table prints with an "n".
  const printable = rows
    .slice(0, MAX_ROWS)
    .map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([column, value]) => [
          column,
          typeof value === 'bigint' ? Number(value) : value,
        ]),
      ),
    );
  console.table(printable);
  if (rows.length > MAX_ROWS) console.log(`(${rows.length - MAX_ROWS} more rows not shown)`);
});
