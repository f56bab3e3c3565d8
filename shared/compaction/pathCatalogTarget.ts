import { pathCatalog } from '../tables/iceberg/pathCatalog.js';
import type { IcebergTargetProvider } from './icebergTable.js';

/**
 * Iceberg through the path catalog (metadata files and a version hint beside the table), where the
 * runtime has no catalog service: Azure and the local lake. `lakeLocation` (ending in `/`) is how
 * readers address the lake's root; it is a function so that a runtime reads its settings when a
 * compaction runs, as it opens its store, not at cold start.
 */
export function pathCatalogTarget(lakeLocation: () => string): IcebergTargetProvider {
  return async ({ store }) => ({
    lakeLocation: lakeLocation(),
    catalog: (root) => pathCatalog(store.objects, root),
  });
}
