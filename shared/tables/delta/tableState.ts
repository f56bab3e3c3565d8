import { CaptureError } from '../../errors.js';
import type { Action, AddAction, MetadataAction, ProtocolAction } from './actions.js';
import type { TableRoot } from './logFiles.js';

/**
 * A table's state at one version, as far as this writer needs it: the protocol and metadata (the
 * schema) and each application's last transaction version. The files the table holds are only
 * needed to write a checkpoint, and they grow with every commit, so the state keeps just the changes
 * since the checkpoint it was read from; the checkpoint's own files are read when a new one is
 * written (see `writeCheckpoint`). `version` is -1 before the first commit.
 */
export interface DeltaSnapshot {
  readonly root: TableRoot;
  readonly version: number;
  readonly protocol: ProtocolAction | null;
  readonly metadata: MetadataAction | null;
  readonly transactions: ReadonlyMap<string, number>;
  /** The checkpoint the state was read from (its files are the base), or null: no base. */
  readonly checkpointVersion: number | null;
  /** Files added since that checkpoint, by path. */
  readonly added: ReadonlyMap<string, AddAction>;
  /** Paths removed since that checkpoint. */
  readonly removed: ReadonlySet<string>;
}

export function emptySnapshot(root: TableRoot): DeltaSnapshot {
  return {
    root,
    version: -1,
    protocol: null,
    metadata: null,
    transactions: new Map(),
    checkpointVersion: null,
    added: new Map(),
    removed: new Set(),
  };
}

/** The state after one more version's actions (PROTOCOL.md, "Action Reconciliation"). */
export function applyCommit(
  snapshot: DeltaSnapshot,
  version: number,
  actions: readonly Action[],
): DeltaSnapshot {
  if (version !== snapshot.version + 1) {
    throw new CaptureError(
      `${snapshot.root}: version ${version} cannot follow ${snapshot.version}: the Delta log has a gap`,
      { retriable: false },
    );
  }
  let { protocol, metadata } = snapshot;
  const transactions = new Map(snapshot.transactions);
  const added = new Map(snapshot.added);
  const removed = new Set(snapshot.removed);
  for (const action of actions) {
    if ('protocol' in action) protocol = action.protocol;
    else if ('metaData' in action) metadata = action.metaData;
    else if ('txn' in action) transactions.set(action.txn.appId, action.txn.version);
    else if ('add' in action) {
      added.set(action.add.path, action.add);
      removed.delete(action.add.path);
    } else if ('remove' in action) {
      added.delete(action.remove.path);
      removed.add(action.remove.path);
    }
  }
  return { ...snapshot, version, protocol, metadata, transactions, added, removed };
}
