import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureIcebergReader, ICEBERG_READER_PYTHON } from '../../../local/emulators/icebergReader.js';

/** What pyiceberg read (see test/helpers/readers/icebergReader.py). */
export interface PyIcebergRead {
  readonly formatVersion: number;
  /** pyiceberg's own rendering of the current schema. */
  readonly schema: string;
  /** Field id by dotted path (`user.plan`, `items.element`). */
  readonly fieldIds: Readonly<Record<string, number>>;
  readonly partitionSpec: readonly { name: string; transform: string; sourceId: number }[];
  /** Each snapshot's summary, with its operation. */
  readonly snapshots: readonly Readonly<Record<string, string>>[];
  readonly rows: Record<string, unknown>[];
}

const SCRIPT = fileURLToPath(new URL('./icebergReader.py', import.meta.url));

/** A table in a catalog pyiceberg loads (`load_catalog`): its properties and the table's `database.table`. */
export interface CatalogTable {
  readonly properties: Readonly<Record<string, string>>;
  readonly table: string;
}

/**
 * Reads a table with pyiceberg from a metadata file or a table folder (`file:///…/compacted/orders`),
 * with the FileIO `properties` its location needs (`adls.connection-string` for Azurite), or through
 * a catalog.
 */
export async function readWithPyIceberg(
  from: string | CatalogTable,
  properties: Readonly<Record<string, string>> = {},
): Promise<PyIcebergRead> {
  await ensureIcebergReader();
  const args =
    typeof from === 'string'
      ? [from, JSON.stringify(properties)]
      : ['--catalog', JSON.stringify(from.properties), from.table];
  const { stdout } = await promisify(execFile)(ICEBERG_READER_PYTHON, [SCRIPT, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as PyIcebergRead;
}
