import { encodeAvroFile } from './avroFiles.js';
import type { IcebergField, IcebergSchema } from './icebergSchema.js';
import type { PartitionSpec } from './tableMetadata.js';

/**
 * Iceberg's manifests and manifest lists, format version 2 (the spec's "Manifests" and "Manifest
 * Lists"), with the field ids of the spec's tables. Entries leave `snapshot_id` and the sequence
 * numbers null, to be inherited from the manifest list: a manifest written once serves every retry
 * of its commit, whatever snapshot id and sequence number the retry ends up with.
 */

/** A column's statistics in a data file, by field id; bounds in the spec's single-value serialization. */
export interface ColumnStats {
  readonly fieldId: number;
  readonly values: number;
  readonly nulls: number;
  readonly lower: Buffer | null;
  readonly upper: Buffer | null;
}

/** A data file as a manifest lists it. */
export interface DataFileEntry {
  /** Absolute location, as readers open it. */
  readonly location: string;
  readonly bytes: number;
  readonly rows: number;
  /** The file's partition values, by partition field name (ints: days since the epoch for a date). */
  readonly partition: Readonly<Record<string, number>>;
  readonly stats: readonly ColumnStats[];
}

/** A manifest list's entry for one manifest (`manifest_file`). */
export interface ManifestFileEntry {
  readonly manifest_path: string;
  readonly manifest_length: number;
  readonly partition_spec_id: number;
  readonly content: number;
  readonly sequence_number: number;
  readonly min_sequence_number: number;
  readonly added_snapshot_id: number;
  readonly added_files_count: number;
  readonly existing_files_count: number;
  readonly deleted_files_count: number;
  readonly added_rows_count: number;
  readonly existing_rows_count: number;
  readonly deleted_rows_count: number;
  readonly partitions: readonly FieldSummary[] | null;
  readonly key_metadata: Buffer | null;
}

interface FieldSummary {
  readonly contains_null: boolean;
  readonly contains_nan: boolean | null;
  readonly lower_bound: Buffer | null;
  readonly upper_bound: Buffer | null;
}

const optional = (type: unknown) => ['null', type];

/** A map with int keys, in the array-of-pairs layout Iceberg writes (Avro maps key by string only). */
function intMap(name: string, id: number, keyId: number, valueId: number, value: string) {
  return {
    name,
    type: optional({
      type: 'array',
      logicalType: 'map',
      items: {
        type: 'record',
        name: `k${keyId}_v${valueId}`,
        fields: [
          { name: 'key', type: 'int', 'field-id': keyId },
          { name: 'value', type: value, 'field-id': valueId },
        ],
      },
    }),
    default: null,
    'field-id': id,
  };
}

/** The Avro type of a partition value: int for `int` and `date` (days), as identity partitions of them are. */
function partitionAvroType(source: IcebergField): unknown {
  if (source.type === 'date') return { type: 'int', logicalType: 'date' };
  return source.type === 'long' ? 'long' : source.type === 'string' ? 'string' : 'int';
}

/** The `manifest_entry` schema of a manifest of this spec. */
export function manifestEntrySchema(spec: PartitionSpec, schema: IcebergSchema): object {
  const partitionFields = spec.fields.map((field) => {
    const source = schema.fields.find((candidate) => candidate.id === field['source-id']) as IcebergField;
    return {
      name: field.name,
      type: optional(partitionAvroType(source)),
      default: null,
      'field-id': field['field-id'],
    };
  });
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      { name: 'snapshot_id', type: optional('long'), default: null, 'field-id': 1 },
      { name: 'sequence_number', type: optional('long'), default: null, 'field-id': 3 },
      { name: 'file_sequence_number', type: optional('long'), default: null, 'field-id': 4 },
      {
        name: 'data_file',
        'field-id': 2,
        type: {
          type: 'record',
          name: 'r2',
          fields: [
            { name: 'content', type: 'int', 'field-id': 134 },
            { name: 'file_path', type: 'string', 'field-id': 100 },
            { name: 'file_format', type: 'string', 'field-id': 101 },
            {
              name: 'partition',
              type: { type: 'record', name: 'r102', fields: partitionFields },
              'field-id': 102,
            },
            { name: 'record_count', type: 'long', 'field-id': 103 },
            { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
            intMap('value_counts', 109, 119, 120, 'long'),
            intMap('null_value_counts', 110, 121, 122, 'long'),
            intMap('lower_bounds', 125, 126, 127, 'bytes'),
            intMap('upper_bounds', 128, 129, 130, 'bytes'),
            { name: 'sort_order_id', type: optional('int'), default: null, 'field-id': 140 },
          ],
        },
      },
    ],
  };
}

/** The `manifest_file` schema of manifest lists. */
export const MANIFEST_FILE_SCHEMA = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
    {
      name: 'partitions',
      type: optional({
        type: 'array',
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            { name: 'contains_null', type: 'boolean', 'field-id': 509 },
            { name: 'contains_nan', type: optional('boolean'), default: null, 'field-id': 518 },
            { name: 'lower_bound', type: optional('bytes'), default: null, 'field-id': 510 },
            { name: 'upper_bound', type: optional('bytes'), default: null, 'field-id': 511 },
          ],
        },
        'element-id': 508,
      }),
      default: null,
      'field-id': 507,
    },
    { name: 'key_metadata', type: optional('bytes'), default: null, 'field-id': 519 },
  ],
} as const;

/**
 * A manifest of added data files, and what its manifest list entry says about it (all but the
 * snapshot id and sequence numbers, which the commit fills in).
 */
export async function encodeManifest(
  files: readonly DataFileEntry[],
  spec: PartitionSpec,
  schema: IcebergSchema,
): Promise<{
  bytes: Buffer;
  summary: Omit<
    ManifestFileEntry,
    'manifest_path' | 'manifest_length' | 'sequence_number' | 'min_sequence_number' | 'added_snapshot_id'
  >;
}> {
  const records = files.map((file) => ({
    status: 1,
    snapshot_id: null,
    sequence_number: null,
    file_sequence_number: null,
    data_file: {
      content: 0,
      file_path: file.location,
      file_format: 'PARQUET',
      partition: Object.fromEntries(
        spec.fields.map((field) => [field.name, file.partition[field.name] ?? null]),
      ),
      record_count: file.rows,
      file_size_in_bytes: file.bytes,
      value_counts: file.stats.map((stat) => ({ key: stat.fieldId, value: stat.values })),
      null_value_counts: file.stats.map((stat) => ({ key: stat.fieldId, value: stat.nulls })),
      lower_bounds: file.stats.flatMap((stat) =>
        stat.lower ? [{ key: stat.fieldId, value: stat.lower }] : [],
      ),
      upper_bounds: file.stats.flatMap((stat) =>
        stat.upper ? [{ key: stat.fieldId, value: stat.upper }] : [],
      ),
      sort_order_id: null,
    },
  }));
  const bytes = await encodeAvroFile(manifestEntrySchema(spec, schema), records, {
    schema: JSON.stringify(schema),
    'schema-id': String(schema['schema-id']),
    'partition-spec': JSON.stringify(spec.fields),
    'partition-spec-id': String(spec['spec-id']),
    'format-version': '2',
    content: 'data',
  });
  return {
    bytes,
    summary: {
      partition_spec_id: spec['spec-id'],
      content: 0,
      added_files_count: files.length,
      existing_files_count: 0,
      deleted_files_count: 0,
      added_rows_count: files.reduce((sum, file) => sum + file.rows, 0),
      existing_rows_count: 0,
      deleted_rows_count: 0,
      partitions: spec.fields.map((field) =>
        partitionSummary(files.map((file) => file.partition[field.name])),
      ),
      key_metadata: null,
    },
  };
}

function partitionSummary(values: readonly (number | undefined)[]): FieldSummary {
  const present = values.filter((value): value is number => value !== undefined);
  return {
    contains_null: present.length < values.length,
    contains_nan: null,
    lower_bound: present.length === 0 ? null : intBytes(Math.min(...present)),
    upper_bound: present.length === 0 ? null : intBytes(Math.max(...present)),
  };
}

/** An `int` or `date` in the single-value serialization: 4 bytes, little-endian. */
export function intBytes(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32LE(value);
  return bytes;
}

/** A `long` or `timestamptz` (microseconds) in the single-value serialization: 8 bytes, little-endian. */
export function longBytes(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(BigInt(value));
  return bytes;
}

/** A manifest list: one entry per manifest of the snapshot. */
export function encodeManifestList(
  entries: readonly ManifestFileEntry[],
  snapshot: { readonly id: number; readonly parentId: number | null; readonly sequenceNumber: number },
): Promise<Buffer> {
  return encodeAvroFile(MANIFEST_FILE_SCHEMA, entries, {
    'snapshot-id': String(snapshot.id),
    'parent-snapshot-id': snapshot.parentId === null ? 'null' : String(snapshot.parentId),
    'sequence-number': String(snapshot.sequenceNumber),
    'format-version': '2',
  });
}
