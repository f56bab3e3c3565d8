import { ICEBERG_VERSION_HINT } from '../../paths/lakePaths.js';
import type { ObjectStore } from '../../store.js';
import { lakePathOf, manifestsOf, type TablePlace } from './appendFiles.js';
import type { IcebergCatalog } from './catalog.js';
import { commitMetadata, type IcebergState } from './commit.js';
import { writtenAt } from './datedName.js';
import { metadataFileVersion } from './metadataFileVersion.js';
import { currentSnapshot, type Snapshot, type TableMetadata, withoutSnapshots } from './tableMetadata.js';

/** How long a table keeps what it no longer needs: Iceberg's `expire_snapshots` and `remove_orphan_files`. */
export interface MaintenancePolicy {
  /** Snapshots older than this are expired (the table's `history.expire.max-snapshot-age-ms` wins). */
  readonly snapshotMaxAgeMs: number;
  /** The newest this many snapshots stay, whatever their age (the table's `history.expire.min-snapshots-to-keep` wins). */
  readonly minSnapshotsToKeep: number;
  /** Unreferenced manifests and manifest lists younger than this stay: a commit may still be writing them. */
  readonly orphanMinAgeMs: number;
}

export interface MaintenanceResult {
  readonly snapshotsExpired: number;
  /** Metadata files deleted: the expired snapshots' manifest lists, superseded metadata, orphans. */
  readonly filesDeleted: number;
}

/**
 * Expired snapshots are only taken once the oldest of them is a day past its age, so a table that
 * commits every hour has its metadata rewritten for maintenance about once a day, not on every run.
 */
const EXPIRY_BATCH_MS = 24 * 60 * 60 * 1000;

const MAX_SNAPSHOT_AGE_PROPERTY = 'history.expire.max-snapshot-age-ms';
const MIN_SNAPSHOTS_PROPERTY = 'history.expire.min-snapshots-to-keep';

/**
 * A table's maintenance, as Iceberg's `expire_snapshots` and `remove_orphan_files` procedures do it
 * for a table that is only appended to:
 *
 * 1. the snapshots past the policy's age (never `main`'s, never the newest `minSnapshotsToKeep`) are
 *    handed to `beforeExpiry` first, which records what the table would forget with them (compaction
 *    writes its units' commit markers), then removed in one commit;
 * 2. their manifest lists are deleted (an append carries every manifest over, so the manifests and
 *    data files stay referenced by the snapshots kept);
 * 3. files under `metadata/` that nothing kept refers to and whose dated names (see `datedUuid`)
 *    say they are older than `orphanMinAgeMs` are deleted: a catalog's metadata files of a version
 *    up to the current one that neither is current nor in the metadata log (commits that lost a
 *    race, files past the log's length), and manifests and manifest lists (commits that lost a
 *    race). Files whose age is unknown (the path catalog's `v<N>.metadata.json` among them), and
 *    data files, are never deleted: a data file is only ever published for a unit that is
 *    committed, or will be on its rerun.
 *
 * Runs only when snapshots are due (see {@link EXPIRY_BATCH_MS}); returns null when nothing was due.
 */
export async function maintainTable(
  objects: ObjectStore,
  catalog: IcebergCatalog,
  place: TablePlace,
  state: IcebergState,
  options: {
    readonly now: number;
    readonly policy: MaintenancePolicy;
    readonly beforeExpiry: (snapshots: readonly Snapshot[]) => Promise<void>;
  },
): Promise<{ state: IcebergState; result: MaintenanceResult } | null> {
  const { now, policy } = options;
  if (state.metadata === null) return null;
  const first = expirable(state.metadata, now, policy);
  const oldest = Math.min(...first.map((snapshot) => snapshot['timestamp-ms']));
  if (
    first.length === 0 ||
    oldest > now - tablePolicy(state.metadata, policy).snapshotMaxAgeMs - EXPIRY_BATCH_MS
  ) {
    return null;
  }
  await options.beforeExpiry(first);
  const recorded = new Set(first.map((snapshot) => snapshot['snapshot-id']));
  const expired: Snapshot[] = [];
  const committed = await commitMetadata(objects, catalog, state, async ({ metadata, pointer }) => {
    if (metadata === null || pointer === null) return null;
    // Only what `beforeExpiry` recorded, and only what is still there and still due.
    const due = expirable(metadata, now, policy).filter((s) => recorded.has(s['snapshot-id']));
    expired.splice(0, expired.length, ...due);
    if (due.length === 0) return null;
    const ids = new Set(due.map((snapshot) => snapshot['snapshot-id']));
    return withoutSnapshots(metadata, ids, now, `${place.lakeLocation}${pointer.path}`);
  });
  if (!committed.committed)
    return { state: committed.state, result: { snapshotsExpired: 0, filesDeleted: 0 } };

  const metadataFolder = `${place.root}metadata/`;
  const inTable = (location: string) => {
    const path = location.startsWith(place.lakeLocation) ? lakePathOf(place, location) : null;
    return path?.startsWith(metadataFolder) ? [path] : [];
  };
  const lists = expired.flatMap((snapshot) => inTable(snapshot['manifest-list']));
  await objects.deleteTableMetadata(lists);
  const orphans = await unreferencedFiles(objects, place, committed.state, now - policy.orphanMinAgeMs);
  await objects.deleteTableMetadata(orphans);
  return {
    state: committed.state,
    result: { snapshotsExpired: expired.length, filesDeleted: lists.length + orphans.length },
  };
}

/** The policy with the table's own properties, where set, taking precedence (as Iceberg's procedures read them). */
function tablePolicy(metadata: TableMetadata, policy: MaintenancePolicy): MaintenancePolicy {
  const property = (key: string, min: number) => {
    const value = Number(metadata.properties[key]);
    return Number.isSafeInteger(value) && value >= min ? value : null;
  };
  return {
    ...policy,
    snapshotMaxAgeMs: property(MAX_SNAPSHOT_AGE_PROPERTY, 0) ?? policy.snapshotMaxAgeMs,
    minSnapshotsToKeep: property(MIN_SNAPSHOTS_PROPERTY, 1) ?? policy.minSnapshotsToKeep,
  };
}

/** Snapshots past their age, other than `main`'s and the newest the policy keeps, oldest first. */
function expirable(metadata: TableMetadata, now: number, policy: MaintenancePolicy): Snapshot[] {
  const { snapshotMaxAgeMs, minSnapshotsToKeep } = tablePolicy(metadata, policy);
  const main = currentSnapshot(metadata)?.['snapshot-id'];
  const referenced = new Set(Object.values(metadata.refs ?? {}).map((ref) => ref['snapshot-id']));
  // Commits in the same millisecond are told apart by their sequence numbers.
  const newestFirst = [...metadata.snapshots].sort(
    (a, b) => b['timestamp-ms'] - a['timestamp-ms'] || b['sequence-number'] - a['sequence-number'],
  );
  return newestFirst
    .slice(minSnapshotsToKeep)
    .filter(
      (snapshot) =>
        snapshot['snapshot-id'] !== main &&
        !referenced.has(snapshot['snapshot-id']) &&
        snapshot['timestamp-ms'] < now - snapshotMaxAgeMs,
    )
    .reverse();
}

/** Files under the table's `metadata/` that the current metadata cannot reach and no commit in flight may still need. */
async function unreferencedFiles(
  objects: ObjectStore,
  place: TablePlace,
  state: IcebergState,
  writtenBefore: number,
): Promise<string[]> {
  const { metadata, pointer } = state;
  if (metadata === null || pointer === null) return [];
  const referenced = new Set<string>([pointer.path, `${place.root}${ICEBERG_VERSION_HINT}`]);
  const addLocation = (location: string) => {
    if (location.startsWith(place.lakeLocation)) referenced.add(lakePathOf(place, location));
  };
  for (const entry of metadata['metadata-log']) addLocation(entry['metadata-file']);
  for (const snapshot of metadata.snapshots) {
    addLocation(snapshot['manifest-list']);
    for (const manifest of await manifestsOf(objects, place, snapshot)) addLocation(manifest.manifest_path);
  }
  return (await objects.list(`${place.root}metadata/`)).filter((path) => {
    const written = writtenAt(path);
    if (referenced.has(path) || written === null || written >= writtenBefore) return false;
    if (path.endsWith('.metadata.json')) {
      // Only a catalog's file (named `<version>-<dated uuid>`), whose commit is the catalog's
      // conditional update: a version up to the current one can no longer be committed. The path
      // catalog's `v<N>` files are never deleted, their create-only publish being the commit.
      const version = metadataFileVersion(path);
      return version > 0 && version <= pointer.version;
    }
    return path.endsWith('.avro');
  });
}
