import { CaptureError } from '../../errors.js';
import {
  type IcebergSchema,
  JSON_FIELD_IDS_PROPERTY,
  type TypedSchema,
  topFieldId,
} from './icebergSchema.js';

/**
 * Iceberg table metadata, format version 2 (the spec's "Table Metadata Fields" and Appendix C), as
 * far as this writer reads and writes it. A table is only ever appended to here, on its `main`
 * branch; schemas only grow (see `icebergSchemaOf`).
 */

export interface PartitionField {
  readonly 'source-id': number;
  readonly 'field-id': number;
  readonly name: string;
  readonly transform: string;
}

export interface PartitionSpec {
  readonly 'spec-id': number;
  readonly fields: readonly PartitionField[];
}

export interface Snapshot {
  readonly 'snapshot-id': number;
  readonly 'parent-snapshot-id'?: number;
  readonly 'sequence-number': number;
  readonly 'timestamp-ms': number;
  readonly 'manifest-list': string;
  readonly summary: Readonly<Record<string, string>> & { readonly operation: string };
  readonly 'schema-id': number;
}

export interface TableMetadata {
  readonly 'format-version': 2;
  readonly 'table-uuid': string;
  readonly location: string;
  readonly 'last-sequence-number': number;
  readonly 'last-updated-ms': number;
  readonly 'last-column-id': number;
  readonly 'current-schema-id': number;
  readonly schemas: readonly IcebergSchema[];
  readonly 'default-spec-id': number;
  readonly 'partition-specs': readonly PartitionSpec[];
  readonly 'last-partition-id': number;
  readonly 'default-sort-order-id': number;
  readonly 'sort-orders': readonly { readonly 'order-id': number; readonly fields: readonly unknown[] }[];
  readonly properties: Readonly<Record<string, string>>;
  readonly 'current-snapshot-id'?: number;
  readonly snapshots: readonly Snapshot[];
  readonly 'snapshot-log': readonly { readonly 'timestamp-ms': number; readonly 'snapshot-id': number }[];
  readonly 'metadata-log': readonly { readonly 'timestamp-ms': number; readonly 'metadata-file': string }[];
  readonly refs?: Readonly<Record<string, { readonly 'snapshot-id': number; readonly type: string }>>;
}

/** Partition field ids start here (the spec reserves the ids below for columns' use of 1000). */
const FIRST_PARTITION_FIELD_ID = 1000;

/** Properties every table gets: what it is for, and that its Parquet is zstd like the product writes it. */
const TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  'write.format.default': 'parquet',
  'write.parquet.compression-codec': 'zstd',
};

/**
 * A new table's first metadata: the schema, and identity partitions on the top-level columns named
 * (the writer's partition columns, whose values every data file's manifest entry carries).
 */
export function newTableMetadata(options: {
  readonly tableUuid: string;
  readonly location: string;
  readonly typed: TypedSchema;
  readonly lastColumnId: number;
  readonly partitionColumns: readonly string[];
  readonly now: number;
}): TableMetadata {
  const { typed, partitionColumns } = options;
  const fields = partitionColumns.map((name, index) => ({
    'source-id': topFieldId(typed.schema, name),
    'field-id': FIRST_PARTITION_FIELD_ID + index,
    name,
    transform: 'identity',
  }));
  return {
    'format-version': 2,
    'table-uuid': options.tableUuid,
    location: options.location,
    'last-sequence-number': 0,
    'last-updated-ms': options.now,
    'last-column-id': options.lastColumnId,
    'current-schema-id': typed.schema['schema-id'],
    schemas: [typed.schema],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields }],
    'last-partition-id': FIRST_PARTITION_FIELD_ID + fields.length - 1,
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: { ...TABLE_PROPERTIES, [JSON_FIELD_IDS_PROPERTY]: typed.jsonFieldIds.join(',') },
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
  };
}

/** The table's current schema, with its JSON-text ids. */
export function currentSchema(metadata: TableMetadata, what: string): TypedSchema {
  const schema = metadata.schemas.find(
    (candidate) => candidate['schema-id'] === metadata['current-schema-id'],
  );
  if (!schema) {
    throw new CaptureError(
      `${what}: the current schema ${metadata['current-schema-id']} is not among the table's schemas`,
      {
        retriable: false,
      },
    );
  }
  const ids = metadata.properties[JSON_FIELD_IDS_PROPERTY] ?? '';
  return { schema, jsonFieldIds: ids === '' ? [] : ids.split(',').map(Number) };
}

/** The partition spec writers use. */
export function defaultSpec(metadata: TableMetadata, what: string): PartitionSpec {
  const spec = metadata['partition-specs'].find(
    (candidate) => candidate['spec-id'] === metadata['default-spec-id'],
  );
  if (!spec) {
    throw new CaptureError(`${what}: the default partition spec is not among the table's specs`, {
      retriable: false,
    });
  }
  return spec;
}

/** The metadata with a new current schema (more columns), as a metadata-only change. */
export function withSchema(
  metadata: TableMetadata,
  typed: TypedSchema,
  lastColumnId: number,
  now: number,
  previousFile: string,
): TableMetadata {
  return {
    ...metadata,
    'last-updated-ms': now,
    'last-column-id': lastColumnId,
    'current-schema-id': typed.schema['schema-id'],
    schemas: [...metadata.schemas, typed.schema],
    properties: { ...metadata.properties, [JSON_FIELD_IDS_PROPERTY]: typed.jsonFieldIds.join(',') },
    'metadata-log': metadataLogAfter(metadata, previousFile),
  };
}

/** The metadata with a new current snapshot on `main`. */
export function withSnapshot(
  metadata: TableMetadata,
  snapshot: Snapshot,
  previousFile: string,
): TableMetadata {
  const id = snapshot['snapshot-id'];
  return {
    ...metadata,
    'last-sequence-number': snapshot['sequence-number'],
    'last-updated-ms': snapshot['timestamp-ms'],
    'current-snapshot-id': id,
    snapshots: [...metadata.snapshots, snapshot],
    'snapshot-log': [
      ...metadata['snapshot-log'],
      { 'timestamp-ms': snapshot['timestamp-ms'], 'snapshot-id': id },
    ],
    'metadata-log': metadataLogAfter(metadata, previousFile),
    refs: { ...metadata.refs, main: { 'snapshot-id': id, type: 'branch' } },
  };
}

/**
 * The metadata without the snapshots named (expired by maintenance): `main` never points at one of
 * them. The snapshot log keeps only what follows the last expired entry, as Iceberg's writers keep
 * it, so it never names a snapshot the table no longer has.
 */
export function withoutSnapshots(
  metadata: TableMetadata,
  expired: ReadonlySet<number>,
  now: number,
  previousFile: string,
): TableMetadata {
  const log = metadata['snapshot-log'];
  const lastExpired = log.findLastIndex((entry) => expired.has(entry['snapshot-id']));
  return {
    ...metadata,
    'last-updated-ms': Math.max(now, metadata['last-updated-ms']),
    snapshots: metadata.snapshots.filter((snapshot) => !expired.has(snapshot['snapshot-id'])),
    'snapshot-log': log.slice(lastExpired + 1),
    'metadata-log': metadataLogAfter(metadata, previousFile),
  };
}

/**
 * Iceberg's table property for how many earlier metadata files the metadata log keeps, and its
 * default: an hourly table commits thousands of times a year, and every commit rewrites the whole
 * metadata file, so an endless log would make each commit slower than the last.
 */
const PREVIOUS_VERSIONS_MAX = 'write.metadata.previous-versions-max';
const DEFAULT_PREVIOUS_VERSIONS_MAX = 100;

/** The log after a commit replacing `previousFile`: the newest entries only, as Iceberg's writers keep it. */
function metadataLogAfter(metadata: TableMetadata, previousFile: string): TableMetadata['metadata-log'] {
  const configured = Number(metadata.properties[PREVIOUS_VERSIONS_MAX]);
  const max =
    Number.isSafeInteger(configured) && configured >= 1 ? configured : DEFAULT_PREVIOUS_VERSIONS_MAX;
  return [
    ...metadata['metadata-log'],
    { 'timestamp-ms': metadata['last-updated-ms'], 'metadata-file': previousFile },
  ].slice(-max);
}

/**
 * Whether snapshots were expired from the table (by this writer's maintenance or another engine's):
 * its oldest snapshot names a parent it no longer has. A table created afresh has its history whole.
 */
export function historyCut(metadata: TableMetadata): boolean {
  const ids = new Set(metadata.snapshots.map((snapshot) => snapshot['snapshot-id']));
  return metadata.snapshots.some((snapshot) => {
    const parent = snapshot['parent-snapshot-id'];
    return parent !== undefined && parent !== -1 && !ids.has(parent);
  });
}

/** The snapshot `main` points at, or null for a table without data yet. */
export function currentSnapshot(metadata: TableMetadata): Snapshot | null {
  const id = metadata.refs?.main?.['snapshot-id'] ?? metadata['current-snapshot-id'];
  if (id === undefined || id === -1) return null;
  return metadata.snapshots.find((snapshot) => snapshot['snapshot-id'] === id) ?? null;
}

/**
 * Parses a metadata file, refusing what this writer cannot append to without breaking it: another
 * format version, or ids past 2^53 (another writer's snapshot ids, which JSON numbers here would
 * round, so parents and refs would point nowhere).
 */
export function parseTableMetadata(bytes: Buffer, path: string): TableMetadata {
  let unsafe = false;
  const metadata = JSON.parse(bytes.toString('utf8'), (_key, value: unknown) => {
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) unsafe = true;
    return value;
  }) as TableMetadata;
  const refuse = (why: string) =>
    new CaptureError(
      `${path}: ${why}; compaction into this Iceberg table stops here, and nothing is lost (the raw objects stay)`,
      { retriable: false },
    );
  if (metadata?.['format-version'] !== 2)
    throw refuse(`format version ${String(metadata?.['format-version'])} is not 2`);
  if (!Array.isArray(metadata.schemas) || !Array.isArray(metadata['partition-specs'])) {
    throw refuse('this is not Iceberg table metadata');
  }
  if (unsafe) throw refuse('it holds ids larger than 2^53, which this writer cannot carry over exactly');
  return {
    ...metadata,
    snapshots: metadata.snapshots ?? [],
    'snapshot-log': metadata['snapshot-log'] ?? [],
    'metadata-log': metadata['metadata-log'] ?? [],
  };
}
