import type { TableMetadata } from './tableMetadata.js';

/** A REST catalog's commit of one table: what must still hold, and what changes (the REST spec's `CommitTableRequest`). */
export interface RestTableCommit {
  readonly requirements: readonly Readonly<Record<string, unknown>>[];
  readonly updates: readonly Readonly<Record<string, unknown>>[];
}

/**
 * The commit that takes a table from `previous` to `next` metadata as a REST catalog takes it: as
 * changes, from which the catalog writes the next metadata file itself. This writer only ever adds
 * schemas (and the properties naming their JSON fields), appends snapshots to `main` and expires old
 * ones (see `maintainTable`), so those are the changes; the requirements are what such a change was
 * planned on (the table, its current schema and last column id, the snapshot `main` was at), so the
 * catalog refuses it, as a conflict, when another writer moved any of them first.
 */
export function restCommitOf(previous: TableMetadata, next: TableMetadata): RestTableCommit {
  const main = snapshotOf(previous);
  const requirements = [
    { type: 'assert-table-uuid', uuid: previous['table-uuid'] },
    { type: 'assert-current-schema-id', 'current-schema-id': previous['current-schema-id'] },
    { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': previous['last-column-id'] },
    { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': main },
  ];
  const known = new Set(previous.schemas.map((schema) => schema['schema-id']));
  const updates: Record<string, unknown>[] = next.schemas
    .filter((schema) => !known.has(schema['schema-id']))
    .map((schema) => ({ action: 'add-schema', schema, 'last-column-id': next['last-column-id'] }));
  if (next['current-schema-id'] !== previous['current-schema-id']) {
    // -1 is "the schema added by this commit": the catalog numbers an added schema itself.
    const added = updates.length > 0 && !known.has(next['current-schema-id']);
    updates.push({ action: 'set-current-schema', 'schema-id': added ? -1 : next['current-schema-id'] });
  }
  const changed = Object.entries(next.properties).filter(
    ([key, value]) => previous.properties[key] !== value,
  );
  if (changed.length > 0) updates.push({ action: 'set-properties', updates: Object.fromEntries(changed) });
  const taken = new Set(previous.snapshots.map((snapshot) => snapshot['snapshot-id']));
  for (const snapshot of next.snapshots.filter((candidate) => !taken.has(candidate['snapshot-id']))) {
    updates.push({ action: 'add-snapshot', snapshot });
  }
  const kept = new Set(next.snapshots.map((snapshot) => snapshot['snapshot-id']));
  const expired = previous.snapshots.filter((snapshot) => !kept.has(snapshot['snapshot-id']));
  if (expired.length > 0) {
    updates.push({ action: 'remove-snapshots', 'snapshot-ids': expired.map((s) => s['snapshot-id']) });
  }
  const current = snapshotOf(next);
  if (current !== null && current !== main) {
    updates.push({ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': current });
  }
  return { requirements, updates };
}

/** The snapshot `main` is at, or null before the first: Iceberg's own writers record none as -1. */
function snapshotOf(metadata: TableMetadata): number | null {
  const id = metadata['current-snapshot-id'];
  return id === undefined || id === -1 ? null : id;
}
