import { TransientStoreError } from '../../errors.js';
import type { ObjectStore } from '../../store.js';
import type { IcebergCatalog, MetadataPointer } from './catalog.js';
import { parseTableMetadata, type TableMetadata } from './tableMetadata.js';

/**
 * Commits lost to other writers in a row before one gives up for this run: partition groups of a
 * topic commit at about the same time each hour, and a few dozen settle within this many.
 */
const MAX_COMMIT_ATTEMPTS = 50;

/** An Iceberg table as its catalog has it now: the current metadata and where it is, or neither yet. */
export interface IcebergState {
  readonly pointer: MetadataPointer | null;
  readonly metadata: TableMetadata | null;
}

/** Reads the table's current metadata through its catalog. */
export async function loadIcebergTable(objects: ObjectStore, catalog: IcebergCatalog): Promise<IcebergState> {
  const pointer = await catalog.currentMetadata();
  if (pointer === null) return { pointer, metadata: null };
  return { pointer, metadata: parseTableMetadata(await objects.read(pointer.path), pointer.path) };
}

/**
 * What a commit decides from the newest state: the next metadata, or null when there is nothing left
 * to commit (another writer committed the same work).
 */
export type MetadataPlan = (latest: IcebergState) => Promise<TableMetadata | null>;

/**
 * Optimistic concurrency as Iceberg prescribes it: the plan's metadata is committed through the
 * catalog on top of the state it was planned from; when another writer moved the table first, the
 * table is read again and the plan asked again on top of it. Appends never conflict with each other,
 * so a plan only checks whether its own work is already there.
 */
export async function commitMetadata(
  objects: ObjectStore,
  catalog: IcebergCatalog,
  state: IcebergState,
  plan: MetadataPlan,
): Promise<{ state: IcebergState; committed: boolean }> {
  let current = state;
  for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
    const next = await plan(current);
    if (next === null) return { state: current, committed: false };
    const pointer = await catalog.commit(current.pointer, Buffer.from(`${JSON.stringify(next, null, 2)}\n`));
    if (pointer !== null) {
      const metadata = catalog.writesMetadata
        ? parseTableMetadata(await objects.read(pointer.path), pointer.path)
        : next;
      return { state: { pointer, metadata }, committed: true };
    }
    current = await loadIcebergTable(objects, catalog);
  }
  throw new TransientStoreError(
    `${catalog.description}: other writers committed ${MAX_COMMIT_ATTEMPTS} times in a row before this commit; the next run commits it`,
  );
}
