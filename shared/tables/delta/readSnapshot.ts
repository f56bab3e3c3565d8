import type { ObjectReader } from '../../store.js';
import type { AddAction } from './actions.js';
import { parseCommit } from './actions.js';
import { filesOf, parseLastCheckpoint, readCheckpoint } from './checkpoint.js';
import { commitPath, commitVersionOf, decadePrefix, lastCheckpointPath, type TableRoot } from './logFiles.js';
import { applyCommit, type DeltaSnapshot, emptySnapshot } from './tableState.js';

/**
 * Reads the table's newest state: the checkpoint `_last_checkpoint` names (if any), then the commits
 * after it, a decade of versions per listing, until a decade ends short. A table without a log is
 * the empty snapshot.
 *
 * @example
 * const snapshot = await loadSnapshot(store.objects, 'compacted/orders/');
 */
export async function loadSnapshot(objects: ObjectReader, root: TableRoot): Promise<DeltaSnapshot> {
  let snapshot = emptySnapshot(root);
  const hint = lastCheckpointPath(root);
  if ((await objects.list(hint)).includes(hint)) {
    const { version } = parseLastCheckpoint(await objects.read(hint), hint);
    snapshot = await readCheckpoint(objects, root, version);
  }
  return readCommitsAfter(objects, snapshot);
}

/** The snapshot brought up to the newest version: every commit after it, in order. */
export async function readCommitsAfter(
  objects: ObjectReader,
  snapshot: DeltaSnapshot,
): Promise<DeltaSnapshot> {
  let current = snapshot;
  for (let decade = Math.floor((current.version + 1) / 10); ; decade++) {
    const versions = (await objects.list(decadePrefix(current.root, decade)))
      .map(commitVersionOf)
      .filter((version): version is number => version !== null && version > current.version)
      .sort((a, b) => a - b);
    for (const version of versions) {
      const path = commitPath(current.root, version);
      current = applyCommit(current, version, parseCommit(await objects.read(path), path));
    }
    // A decade that does not reach its last version is where the log ends (for now).
    if (current.version < decade * 10 + 9) return current;
  }
}

/**
 * The files the table holds at its newest version, as every Delta reader would list them: what an
 * independent reader (DuckDB on Parquet files) must read to read the table.
 */
export async function listTableFiles(objects: ObjectReader, root: TableRoot): Promise<AddAction[]> {
  const files = await filesOf(objects, await loadSnapshot(objects, root));
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
