import { CaptureError } from '../../errors.js';
import type { ObjectStore } from '../../store.js';
import type { StructField } from '../dataType.js';
import { locationOf, type TablePlace } from './appendFiles.js';
import type { IcebergCatalog } from './catalog.js';
import { commitMetadata, type IcebergState } from './commit.js';
import { columnsOfIcebergSchema, icebergSchemaOf } from './icebergSchema.js';
import { metadataFileVersion } from './metadataFileVersion.js';
import { currentSchema, newTableMetadata, parseTableMetadata, withSchema } from './tableMetadata.js';

export interface SchemaChange {
  /**
   * The table's columns after the change, given its columns now (none before it exists), or null
   * when the table has every column it needs already. Columns only grow: existing fields keep their
   * ids and types.
   */
  readonly grow: (columns: readonly StructField[] | null) => readonly StructField[] | null;
  /** Top-level columns the new table is partitioned by, identity transforms. */
  readonly partitionColumns: readonly string[];
  /** The new table's id: derived from what it holds, so every writer that creates it writes the same. */
  readonly tableUuid: string;
  readonly now: number;
}

/**
 * Creates the table, or gives it a schema with more columns, as a metadata-only commit (no snapshot):
 * data files written afterwards carry the new fields' ids. Asked again on top of every concurrent
 * commit, so two writers adding the same column add it once.
 */
export function evolveSchema(
  objects: ObjectStore,
  catalog: IcebergCatalog,
  place: TablePlace,
  state: IcebergState,
  change: SchemaChange,
): Promise<{ state: IcebergState; committed: boolean }> {
  return commitMetadata(objects, catalog, state, async ({ metadata, pointer }) => {
    if (metadata === null || pointer === null) {
      await refuseToBuryATable(objects, place, catalog.description);
      const columns = change.grow(null) ?? [];
      const { typed, lastColumnId } = icebergSchemaOf(columns, null, 0, 0);
      return newTableMetadata({
        tableUuid: change.tableUuid,
        location: locationOf(place, place.root.replace(/\/$/, '')),
        typed,
        lastColumnId,
        partitionColumns: change.partitionColumns,
        now: change.now,
      });
    }
    const current = currentSchema(metadata, catalog.description);
    const columns = change.grow(columnsOfIcebergSchema(current, catalog.description));
    if (columns === null) return null;
    const schemaId = Math.max(...metadata.schemas.map((schema) => schema['schema-id'])) + 1;
    const { typed, lastColumnId } = icebergSchemaOf(
      columns,
      current.schema,
      metadata['last-column-id'],
      schemaId,
    );
    const now = Math.max(change.now, metadata['last-updated-ms']);
    return withSchema(metadata, typed, lastColumnId, now, locationOf(place, pointer.path));
  });
}

/**
 * A catalog without the table, over a folder where a metadata file has snapshots, lost its pointer (a
 * stack update that rewrote the Glue table's parameters, a catalog restored from an old backup): a new
 * table there would drop every hour committed so far from what readers see. Metadata without snapshots
 * is a first commit that crashed before its catalog call, which a rerun replaces. Newest first, so the
 * file named is the one to point at; a commit that lost a race leaves a second file of its version,
 * which is why every file is read, not the one that sorts last.
 */
async function refuseToBuryATable(objects: ObjectStore, place: TablePlace, catalog: string): Promise<void> {
  const files = (await objects.list(`${place.root}metadata/`))
    .filter((path) => path.endsWith('.metadata.json'))
    .sort((a, b) => metadataFileVersion(b) - metadataFileVersion(a));
  let unreadable: string | null = null;
  for (const path of files) {
    // Read outside the parse's guard: a store fault stays retriable, only the content can be unreadable.
    const bytes = await objects.read(path);
    let snapshots: number;
    try {
      snapshots = parseTableMetadata(bytes, path).snapshots.length;
    } catch (error) {
      if (!(error instanceof CaptureError || error instanceof SyntaxError)) throw error;
      unreadable ??= `${path} (${error.message})`;
      continue;
    }
    if (snapshots > 0) {
      throw new CaptureError(
        `${catalog} has no current metadata, but ${path} holds committed snapshots: the catalog lost the table's pointer. Point the catalog at that file (Glue: the table parameter metadata_location; the path catalog: metadata/version-hint.text) and run again; nothing was committed`,
        { retriable: false },
      );
    }
  }
  if (unreadable !== null) {
    throw new CaptureError(
      `${catalog} has no current metadata, and ${unreadable} is no table metadata this writer reads, so it cannot tell whether a new table would hide committed hours. Point the catalog at the table's newest metadata file, or move the files that are not this table's out of ${place.root}metadata/, and run again; nothing was committed`,
      { retriable: false },
    );
  }
}
