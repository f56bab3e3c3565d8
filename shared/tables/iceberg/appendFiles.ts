import { randomBytes } from 'node:crypto';
import { CaptureError } from '../../errors.js';
import { STAGING_PREFIX } from '../../paths/lakePaths.js';
import type { ObjectStore } from '../../store.js';
import { decodeAvroFile } from './avroFiles.js';
import type { IcebergCatalog } from './catalog.js';
import { commitMetadata, type IcebergState } from './commit.js';
import { datedUuid } from './datedName.js';
import {
  type DataFileEntry,
  encodeManifest,
  encodeManifestList,
  MANIFEST_FILE_SCHEMA,
  type ManifestFileEntry,
} from './manifests.js';
import {
  currentSchema,
  currentSnapshot,
  defaultSpec,
  type Snapshot,
  type TableMetadata,
  withSnapshot,
} from './tableMetadata.js';

/** Where a table lives: its lake path (`compacted/orders/`) and the absolute location readers use for the lake. */
export interface TablePlace {
  readonly root: string;
  /** The lake's root as readers address it, ending in `/`: `s3://bucket/`, `file:///srv/lake/`. */
  readonly lakeLocation: string;
}

export interface AppendRequest {
  readonly files: readonly DataFileEntry[];
  /** Written into the snapshot's summary beside Iceberg's own counts. */
  readonly summary: Readonly<Record<string, string>>;
  readonly now: number;
  /** True when the newest metadata already holds this append (a concurrent run's, or a rerun's). */
  readonly isCommitted: (metadata: TableMetadata) => boolean;
}

/** The absolute location of a lake path. */
export function locationOf(place: TablePlace, path: string): string {
  return `${place.lakeLocation}${path}`;
}

/** The lake path of an absolute location in the lake. */
export function lakePathOf(place: TablePlace, location: string): string {
  if (!location.startsWith(place.lakeLocation)) {
    throw new CaptureError(`${location} is outside the lake at ${place.lakeLocation}`, { retriable: false });
  }
  return location.slice(place.lakeLocation.length);
}

/**
 * Appends data files to the table as one snapshot (operation `append`): one manifest for the files,
 * written once, then for each commit attempt a manifest list of the parent snapshot's manifests plus
 * that one. Nothing is committed when `isCommitted` finds the append in the table already.
 */
export async function appendFiles(
  objects: ObjectStore,
  catalog: IcebergCatalog,
  place: TablePlace,
  state: IcebergState,
  append: AppendRequest,
): Promise<{ state: IcebergState; committed: boolean }> {
  const first = state.metadata;
  if (first === null) {
    throw new CaptureError(`${catalog.description}: files cannot be appended before the table exists`, {
      retriable: false,
    });
  }
  if (append.isCommitted(first)) return { state, committed: false };
  const spec = defaultSpec(first, catalog.description);
  const manifest = await encodeManifest(append.files, spec, currentSchema(first, catalog.description).schema);
  const manifestPath = `${place.root}metadata/${datedUuid(append.now)}-m0.avro`;
  await writeOnce(objects, manifestPath, manifest.bytes);
  const added = {
    ...manifest.summary,
    manifest_path: locationOf(place, manifestPath),
    manifest_length: manifest.bytes.length,
  };

  return commitMetadata(objects, catalog, state, async ({ metadata, pointer }) => {
    if (metadata === null || pointer === null || append.isCommitted(metadata)) return null;
    const parent = currentSnapshot(metadata);
    const sequenceNumber = metadata['last-sequence-number'] + 1;
    const id = newSnapshotId(metadata);
    const manifests: ManifestFileEntry[] = [
      ...(parent ? await manifestsOf(objects, place, parent) : []),
      {
        ...added,
        sequence_number: sequenceNumber,
        min_sequence_number: sequenceNumber,
        added_snapshot_id: id,
      },
    ];
    const listPath = `${place.root}metadata/snap-${id}-1-${datedUuid(append.now)}.avro`;
    const parentId = parent?.['snapshot-id'] ?? null;
    await writeOnce(objects, listPath, await encodeManifestList(manifests, { id, parentId, sequenceNumber }));
    const snapshot: Snapshot = {
      'snapshot-id': id,
      ...(parentId === null ? {} : { 'parent-snapshot-id': parentId }),
      'sequence-number': sequenceNumber,
      'timestamp-ms': Math.max(append.now, metadata['last-updated-ms']),
      'manifest-list': locationOf(place, listPath),
      summary: { operation: 'append', ...totals(parent, append.files), ...append.summary },
      'schema-id': metadata['current-schema-id'],
    };
    return withSnapshot(metadata, snapshot, locationOf(place, pointer.path));
  });
}

/** The manifests a snapshot's manifest list names. */
export async function manifestsOf(
  objects: ObjectStore,
  place: TablePlace,
  snapshot: Snapshot,
): Promise<ManifestFileEntry[]> {
  const path = lakePathOf(place, snapshot['manifest-list']);
  return (await decodeAvroFile(await objects.read(path), MANIFEST_FILE_SCHEMA, path)) as ManifestFileEntry[];
}

/** Iceberg's snapshot summary counts: what this snapshot added, and the table's totals after it. */
function totals(parent: Snapshot | null, files: readonly DataFileEntry[]): Record<string, string> {
  const before = (key: string) => Number(parent?.summary[key] ?? 0);
  const records = files.reduce((sum, file) => sum + file.rows, 0);
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  return {
    'added-data-files': String(files.length),
    'added-records': String(records),
    'added-files-size': String(bytes),
    'total-data-files': String(before('total-data-files') + files.length),
    'total-records': String(before('total-records') + records),
    'total-files-size': String(before('total-files-size') + bytes),
    'total-delete-files': '0',
    'total-position-deletes': '0',
    'total-equality-deletes': '0',
  };
}

/** A positive id no snapshot of the table has, below 2^48 so it stays exact everywhere (JSON in JavaScript included). */
function newSnapshotId(metadata: TableMetadata): number {
  const taken = new Set(metadata.snapshots.map((snapshot) => snapshot['snapshot-id']));
  for (;;) {
    const id = randomBytes(6).readUIntBE(0, 6);
    if (id > 0 && !taken.has(id)) return id;
  }
}

/** Metadata files have unique names: staged and published create-only, like every lake object. */
async function writeOnce(objects: ObjectStore, path: string, bytes: Buffer): Promise<void> {
  const staging = `${STAGING_PREFIX}/iceberg/${path}`;
  await objects.stage(staging, bytes);
  await objects.publish(path, [staging]);
  await objects.deleteStaged([staging]);
}
