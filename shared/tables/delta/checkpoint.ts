import type { SchemaElement } from 'hyparquet-writer';
import { CaptureError } from '../../errors.js';
import { STAGING_PREFIX } from '../../paths/lakePaths.js';
import type { ObjectReader, ObjectStore } from '../../store.js';
import type { AddAction, MetadataAction, ProtocolAction } from './actions.js';
import { checkpointPath, lastCheckpointPath, type TableRoot } from './logFiles.js';
import { type DeltaSnapshot, emptySnapshot } from './tableState.js';

/**
 * Classic checkpoints (V1 spec, `<version>.checkpoint.parquet`): the table's whole state at a version
 * in one Parquet file, so readers start there instead of replaying every commit, and
 * `_last_checkpoint`, which tells them where it is (PROTOCOL.md, "Checkpoints", "Checkpoint Schema").
 */

/** `_last_checkpoint`: the fields this writer writes and reads (PROTOCOL.md, "Last Checkpoint File Schema"). */
export interface LastCheckpoint {
  readonly version: number;
  /** Actions in the checkpoint. */
  readonly size: number;
  readonly sizeInBytes: number;
  readonly numOfAddFiles: number;
}

/** Commits between checkpoints: readers replay at most this many JSON files on top of one. */
export const CHECKPOINT_INTERVAL = 10;

const utf8 = (name: string, repetition: 'OPTIONAL' | 'REQUIRED' = 'OPTIONAL'): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: repetition,
});
const int64 = (name: string): SchemaElement => ({ name, type: 'INT64', repetition_type: 'OPTIONAL' });
const int32 = (name: string): SchemaElement => ({ name, type: 'INT32', repetition_type: 'OPTIONAL' });
const bool = (name: string): SchemaElement => ({ name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' });
const group = (name: string, children: number): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', num_children: children },
];
/** `map<string,string>` in Parquet's three-level MAP layout. */
const stringMap = (name: string): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'MAP' },
  { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
  utf8('key', 'REQUIRED'),
  utf8('value'),
];
/** `array<string>` in Parquet's three-level LIST layout. */
const stringList = (name: string): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  utf8('element'),
];

/** The checkpoint's columns: one struct per action kind, each row holding exactly one of them. */
const CHECKPOINT_SCHEMA: SchemaElement[] = [
  { name: 'spark_schema', num_children: 4 },
  ...group('txn', 3),
  utf8('appId'),
  int64('version'),
  int64('lastUpdated'),
  ...group('add', 7),
  utf8('path'),
  ...stringMap('partitionValues'),
  int64('size'),
  int64('modificationTime'),
  bool('dataChange'),
  utf8('stats'),
  ...stringMap('tags'),
  ...group('metaData', 8),
  utf8('id'),
  utf8('name'),
  utf8('description'),
  ...group('format', 2),
  utf8('provider'),
  ...stringMap('options'),
  utf8('schemaString'),
  ...stringList('partitionColumns'),
  ...stringMap('configuration'),
  int64('createdTime'),
  ...group('protocol', 2),
  int32('minReaderVersion'),
  int32('minWriterVersion'),
];

type CheckpointRow = {
  txn: Record<string, unknown> | null;
  add: Record<string, unknown> | null;
  metaData: Record<string, unknown> | null;
  protocol: Record<string, unknown> | null;
};

const big = (value: number | undefined) => (value === undefined ? null : BigInt(value));

function rowsOf(snapshot: DeltaSnapshot, files: ReadonlyMap<string, AddAction>): CheckpointRow[] {
  const none = { txn: null, add: null, metaData: null, protocol: null };
  const rows: CheckpointRow[] = [];
  const { protocol, metadata } = snapshot;
  if (protocol) rows.push({ ...none, protocol: { ...protocol } });
  if (metadata) {
    rows.push({
      ...none,
      metaData: {
        id: metadata.id,
        name: metadata.name ?? null,
        description: metadata.description ?? null,
        format: metadata.format,
        schemaString: metadata.schemaString,
        partitionColumns: metadata.partitionColumns,
        configuration: metadata.configuration,
        createdTime: big(metadata.createdTime),
      },
    });
  }
  for (const appId of [...snapshot.transactions.keys()].sort()) {
    rows.push({ ...none, txn: { appId, version: big(snapshot.transactions.get(appId)), lastUpdated: null } });
  }
  for (const path of [...files.keys()].sort()) {
    const add = files.get(path) as AddAction;
    rows.push({
      ...none,
      add: {
        path: add.path,
        partitionValues: add.partitionValues,
        size: BigInt(add.size),
        modificationTime: BigInt(add.modificationTime),
        dataChange: false,
        stats: add.stats ?? null,
        tags: add.tags ?? null,
      },
    });
  }
  return rows;
}

/**
 * Writes the checkpoint of the snapshot's version (create-only: a checkpoint of a version is the
 * same for every writer, so one that is there already is as good) and then points
 * `_last_checkpoint` at it, unless that names a newer one already.
 */
export async function writeCheckpoint(
  objects: ObjectStore,
  snapshot: DeltaSnapshot,
): Promise<LastCheckpoint> {
  const { ByteWriter, parquetWrite } = await import('hyparquet-writer');
  const files = await filesOf(objects, snapshot);
  const rows = rowsOf(snapshot, files);
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    schema: CHECKPOINT_SCHEMA,
    columnData: (['txn', 'add', 'metaData', 'protocol'] as const).map((name) => ({
      name,
      data: rows.map((row) => row[name]),
    })),
    // Snappy: every Delta reader has it, and this writer's own reader needs no extra codec.
    codec: 'SNAPPY',
    rowGroupSize: Math.max(rows.length, 1),
    createdBy: 'stream-capture delta log',
  });
  const bytes = Buffer.from(writer.getBuffer());
  const path = checkpointPath(snapshot.root, snapshot.version);
  const staging = `${STAGING_PREFIX}/delta/${path}`;
  await objects.stage(staging, bytes);
  await objects.publish(path, [staging]);
  await objects.deleteStaged([staging]);
  const last: LastCheckpoint = {
    version: snapshot.version,
    size: rows.length,
    sizeInBytes: bytes.length,
    numOfAddFiles: files.size,
  };
  const hint = lastCheckpointPath(snapshot.root);
  const known = (await objects.list(hint)).includes(hint)
    ? parseLastCheckpoint(await objects.read(hint), hint).version
    : -1;
  // Two writers may race here; a hint that lags is harmless (readers replay the commits after it).
  if (known < last.version) await objects.replace(hint, Buffer.from(JSON.stringify(last)));
  return last;
}

export function parseLastCheckpoint(bytes: Buffer, path: string): Pick<LastCheckpoint, 'version'> {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as Partial<LastCheckpoint>;
    if (Number.isSafeInteger(value.version) && (value.version ?? -1) >= 0) return value as LastCheckpoint;
  } catch {
    // reported below
  }
  throw new CaptureError(`${path} does not name a checkpoint version: the Delta log is damaged`, {
    retriable: false,
  });
}

const num = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);
const stringRecord = (value: unknown): Record<string, string> => {
  if (value === null || value === undefined) return {};
  if (value instanceof Map) return Object.fromEntries(value) as Record<string, string>;
  return value as Record<string, string>;
};

/**
 * Every file the table holds at the snapshot's version: its checkpoint's files, then the changes
 * since. This is what a checkpoint lists, and what a reader of the table reads.
 */
export async function filesOf(
  objects: ObjectReader,
  snapshot: DeltaSnapshot,
): Promise<Map<string, AddAction>> {
  const files = new Map<string, AddAction>();
  if (snapshot.checkpointVersion !== null) {
    for (const row of await checkpointRows(objects, snapshot.root, snapshot.checkpointVersion, ['add'])) {
      const add = row.add as Record<string, unknown> | null;
      if (add?.path == null) continue;
      files.set(String(add.path), {
        path: String(add.path),
        partitionValues: stringRecord(add.partitionValues),
        size: Number(add.size),
        modificationTime: Number(add.modificationTime),
        dataChange: true,
        ...(typeof add.stats === 'string' ? { stats: add.stats } : {}),
      });
    }
  }
  for (const path of snapshot.removed) files.delete(path);
  for (const [path, add] of snapshot.added) files.set(path, add);
  return files;
}

async function checkpointRows(
  objects: ObjectReader,
  root: TableRoot,
  version: number,
  columns: string[],
): Promise<Record<string, unknown>[]> {
  const { parquetReadObjects } = await import('hyparquet');
  const path = checkpointPath(root, version);
  const bytes = await objects.read(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    return await parquetReadObjects({ file, columns });
  } catch (error) {
    throw new CaptureError(`${path} cannot be read as a Delta checkpoint: the log is damaged`, {
      retriable: false,
      cause: error,
    });
  }
}

/**
 * The table's state as a checkpoint records it, without its files (see {@link filesOf}): this
 * writer's checkpoints, or another writer's (Spark's, delta-rs's), for the columns this writer needs.
 */
export async function readCheckpoint(
  objects: ObjectReader,
  root: TableRoot,
  version: number,
): Promise<DeltaSnapshot> {
  let protocol: ProtocolAction | null = null;
  let metadata: MetadataAction | null = null;
  const transactions = new Map<string, number>();
  for (const row of await checkpointRows(objects, root, version, ['txn', 'metaData', 'protocol'])) {
    const txn = row.txn as Record<string, unknown> | null;
    const meta = row.metaData as Record<string, unknown> | null;
    const proto = row.protocol as Record<string, unknown> | null;
    if (txn?.appId != null) transactions.set(String(txn.appId), Number(txn.version));
    if (meta?.id != null) {
      const format = (meta.format ?? {}) as Record<string, unknown>;
      const createdTime = num(meta.createdTime);
      metadata = {
        id: String(meta.id),
        format: { provider: String(format.provider ?? 'parquet'), options: stringRecord(format.options) },
        schemaString: String(meta.schemaString),
        partitionColumns: ((meta.partitionColumns ?? []) as unknown[]).map(String),
        configuration: stringRecord(meta.configuration),
        ...(createdTime === undefined ? {} : { createdTime }),
      };
    }
    if (proto?.minReaderVersion != null) {
      protocol = {
        minReaderVersion: Number(proto.minReaderVersion),
        minWriterVersion: Number(proto.minWriterVersion),
        ...(Array.isArray(proto.readerFeatures) ? { readerFeatures: proto.readerFeatures.map(String) } : {}),
        ...(Array.isArray(proto.writerFeatures) ? { writerFeatures: proto.writerFeatures.map(String) } : {}),
      };
    }
  }
  return { ...emptySnapshot(root), version, protocol, metadata, transactions, checkpointVersion: version };
}
