import { createHash } from 'node:crypto';
import { CaptureError, TransientStoreError } from '../../errors.js';
import { STAGING_PREFIX } from '../../paths/lakePaths.js';
import type { ObjectStore } from '../../store.js';
import { type Action, commitBytes, type ProtocolAction } from './actions.js';
import { CHECKPOINT_INTERVAL, writeCheckpoint } from './checkpoint.js';
import { commitPath } from './logFiles.js';
import { readCommitsAfter } from './readSnapshot.js';
import { applyCommit, type DeltaSnapshot } from './tableState.js';

/**
 * Versions lost to other writers in a row before a commit gives up for this run. Partition groups of
 * one topic commit at about the same time each hour; a few dozen groups settle within this many.
 */
const MAX_COMMIT_ATTEMPTS = 50;

/** The protocol this writer writes: plain Delta, readable by every reader, blind appends only. */
export const WRITER_PROTOCOL: ProtocolAction = { minReaderVersion: 1, minWriterVersion: 2 };

/** Writer features (protocol 7) whose rules this writer keeps: it only appends, and writes no invariants. */
const UNDERSTOOD_WRITER_FEATURES = new Set(['appendOnly', 'invariants']);

/**
 * What a commit decides from the newest state: the actions of the next version, or null when there
 * is nothing left to commit (another writer committed the same work: its `txn` shows it).
 */
export type CommitPlan = (snapshot: DeltaSnapshot) => readonly Action[] | null;

export interface CommitResult {
  /** The state after the commit (or the newest state, when the plan found nothing to commit). */
  readonly snapshot: DeltaSnapshot;
  /** The version written, or null. */
  readonly version: number | null;
}

/**
 * Optimistic concurrency as Delta prescribes it: the plan's actions are written as the next version,
 * create-only (`If-None-Match: *` on Blob and S3, a hard link on a filesystem). When another writer
 * took that version first, its commits are read and the plan is asked again on top of them, then the
 * next version is tried. Blind appends never conflict with each other, so the plan only has to check
 * its own transaction identifier. A checkpoint follows every {@link CHECKPOINT_INTERVAL} versions.
 *
 * @example
 * const { version } = await commitNext(objects, snapshot, (latest) => latest.transactions.has(id) ? null : actions);
 */
export async function commitNext(
  objects: ObjectStore,
  snapshot: DeltaSnapshot,
  plan: CommitPlan,
): Promise<CommitResult> {
  let current = snapshot;
  for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
    assertWritable(current);
    const actions = plan(current);
    if (actions === null) return { snapshot: current, version: null };
    const version = current.version + 1;
    const path = commitPath(current.root, version);
    const bytes = commitBytes(actions);
    // Named by content: two writers racing for a version never share a staged file.
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const staging = `${STAGING_PREFIX}/delta/${path}-${digest}`;
    await objects.stage(staging, bytes);
    const outcome = await objects.publish(path, [staging]);
    await objects.deleteStaged([staging]);
    if (outcome === 'created') {
      const committed = applyCommit(current, version, actions);
      const since = version - (committed.checkpointVersion ?? 0);
      if (since < CHECKPOINT_INTERVAL) return { snapshot: committed, version };
      await writeCheckpoint(objects, committed);
      return { snapshot: { ...committed, checkpointVersion: version }, version };
    }
    current = await readCommitsAfter(objects, current);
  }
  throw new TransientStoreError(
    `${snapshot.root}: other writers took ${MAX_COMMIT_ATTEMPTS} versions in a row before this commit; the next run commits it`,
  );
}

/**
 * Refuses a table whose protocol asks more than this writer does: another writer upgraded it (column
 * mapping, deletion vectors, …), and appending without keeping those rules could break its readers.
 */
function assertWritable({ root, protocol }: DeltaSnapshot): void {
  if (protocol === null) return;
  const { minReaderVersion, minWriterVersion, readerFeatures = [], writerFeatures = [] } = protocol;
  const readable = minReaderVersion <= 1 || (minReaderVersion === 3 && readerFeatures.length === 0);
  const writable =
    minWriterVersion <= 2 ||
    (minWriterVersion === 7 && writerFeatures.every((feature) => UNDERSTOOD_WRITER_FEATURES.has(feature)));
  if (readable && writable) return;
  throw new CaptureError(
    `${root}: the Delta table requires reader version ${minReaderVersion} and writer version ${minWriterVersion}` +
      `${[...readerFeatures, ...writerFeatures].length > 0 ? ` (features ${[...new Set([...readerFeatures, ...writerFeatures])].join(', ')})` : ''}, ` +
      'which another writer set and this compaction does not implement: compaction into it stops here, and nothing is lost (the raw objects stay). ' +
      'Downgrade the table protocol or compact into a new table',
    { retriable: false },
  );
}
