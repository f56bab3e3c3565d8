import { createHash } from 'node:crypto';
import { COMPACTED_PREFIX } from '../paths/lakePaths.js';
import { pathSegment } from '../paths/pathSegment.js';
import { DATE, INTEGER, type StructField } from '../tables/dataType.js';
import type { MetadataAction } from '../tables/delta/actions.js';
import type { TableRoot } from '../tables/delta/logFiles.js';
import { deltaSchemaString } from '../tables/deltaSchema.js';
import { HOUR_MS } from './hours.js';

/**
 * The table a topic compacts into: `compacted/<topic>/`, partitioned by the UTC `date` and `hour` of
 * the raw objects its files come from, in the `date=…/hour=…/` folders Hive-style readers know. A
 * Delta table's log (`_delta_log/`), or an Iceberg table's metadata (`metadata/`, see
 * `icebergTable`), is what says which files are the table.
 */

/** The table's partition columns: not in the data files, taken from each file's `partitionValues`. */
export const PARTITION_COLUMNS = ['date', 'hour'] as const;
export const PARTITION_FIELDS: readonly StructField[] = [
  { name: 'date', type: DATE },
  { name: 'hour', type: INTEGER },
];

/** Table properties: append-only says no writer may delete rows; Spark checkpoints at our interval. */
const TABLE_CONFIGURATION: Readonly<Record<string, string>> = {
  'delta.appendOnly': 'true',
  'delta.checkpointInterval': '10',
};

export function tableRootOf(topic: string): TableRoot {
  return `${COMPACTED_PREFIX}/${pathSegment(topic)}/`;
}

/** The partition values of an hour's files, serialized as PROTOCOL.md's "Partition Value Serialization" says. */
export function partitionValuesOf(hour: number): Record<string, string> {
  const iso = new Date(hour * HOUR_MS).toISOString();
  return { date: iso.slice(0, 10), hour: String(Number(iso.slice(11, 13))) };
}

/**
 * The table's metadata with these data columns (the partition columns follow them). The id is
 * derived from the topic, so every writer that creates the table, or recreates its first commit after
 * a crash, writes the same bytes.
 */
export function tableMetadataOf(
  topic: string,
  columns: readonly StructField[],
  createdTime: number,
): MetadataAction {
  return {
    id: tableIdOf(topic),
    name: topic,
    format: { provider: 'parquet', options: {} },
    schemaString: deltaSchemaString([...columns, ...PARTITION_FIELDS]),
    partitionColumns: [...PARTITION_COLUMNS],
    configuration: TABLE_CONFIGURATION,
    createdTime,
  };
}

/** The data columns of a table's metadata: its schema without the partition columns. */
export function dataColumnsOf(columns: readonly StructField[]): StructField[] {
  const partitions = new Set<string>(PARTITION_COLUMNS);
  return columns.filter((column) => !partitions.has(column.name));
}

/** A UUID-shaped digest of the topic's name: stable across writers and reruns (Delta's id, Iceberg's `table-uuid`). */
export function tableIdOf(topic: string): string {
  const hex = createHash('sha256').update(`stream-capture table ${topic}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
