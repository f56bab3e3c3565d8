import { holdsUnit, UNIT_SUMMARY_KEY } from '../../shared/compaction/icebergTable.js';
import type { ObjectReader } from '../../shared/store.js';
import { typeName } from '../../shared/tables/dataType.js';
import { columnsOfIcebergSchema } from '../../shared/tables/iceberg/icebergSchema.js';
import { pathCatalogPointer } from '../../shared/tables/iceberg/pathCatalog.js';
import { currentSchema, historyCut, parseTableMetadata } from '../../shared/tables/iceberg/tableMetadata.js';
import type { CommittedHour, TableView } from './tableView.js';

/**
 * The Iceberg table through the path catalog (the local lake's and Azure's). Each unit is one append
 * snapshot of one hour, so the hours it holds add up from the snapshots' summaries, without reading
 * a manifest.
 */
export async function icebergView(
  objects: ObjectReader,
  root: string,
): Promise<TableView | { reason: string }> {
  const pointer = await pathCatalogPointer(objects, root);
  if (pointer === null) {
    const named = (await objects.list(`${root}metadata/`)).some((path) => path.endsWith('.metadata.json'));
    if (named) {
      return {
        reason: `the Iceberg table at ${root} is recorded in a catalog service (Glue or REST): the console reads tables of the path catalog only`,
      };
    }
    return { version: -1, committedHours: [], columns: [], holds: () => false, historyCut: false };
  }
  const metadata = parseTableMetadata(await objects.read(pointer.path), pointer.path);
  const byHour = new Map<string, CommittedHour>();
  for (const { summary } of metadata.snapshots) {
    const hour = /\/([^/]+)$/.exec(summary[UNIT_SUMMARY_KEY] ?? '')?.[1];
    if (hour === undefined) continue;
    const totals = byHour.get(hour) ?? { hour, files: 0, rows: 0, bytes: 0 };
    byHour.set(hour, {
      hour,
      files: totals.files + Number(summary['added-data-files'] ?? 0),
      rows: totals.rows + Number(summary['added-records'] ?? 0),
      bytes: totals.bytes + Number(summary['added-files-size'] ?? 0),
    });
  }
  const schema = currentSchema(metadata, pointer.path);
  return {
    version: pointer.version,
    committedHours: [...byHour.values()],
    columns: columnsOfIcebergSchema(schema, pointer.path).map((column) => ({
      name: column.name,
      type: typeName(column.type),
    })),
    holds: (unit) => holdsUnit(metadata, unit),
    historyCut: historyCut(metadata),
  };
}
