import type { IcebergTargetProvider } from '../../shared/compaction/icebergTable.js';
import { pathCatalogTarget } from '../../shared/compaction/pathCatalogTarget.js';
import { restCatalogTarget } from '../../shared/compaction/restCatalogTarget.js';
import { settingsCredentials } from '../../shared/compaction/settingsCredentials.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { azureLakeLocation } from '../../shared/stores/azure/azureLakeLocation.js';

/**
 * Where a topic with `compaction.table: iceberg` commits on Azure: the REST catalog its config names
 * (client credentials from app settings), or else the path catalog beside the table (Azure has no
 * Iceberg catalog service of its own), with locations under
 * `abfss://<container>@<account>.dfs.core.windows.net/`. Undefined for a Delta topic.
 */
export function azureIcebergTarget(
  topic: TopicConfig,
  env: NodeJS.ProcessEnv,
): IcebergTargetProvider | undefined {
  if (topic.compaction.table !== 'iceberg') return undefined;
  const lakeLocation = () => azureLakeLocation(topic.storage, env);
  const { restCatalog } = topic.compaction;
  if (restCatalog === undefined) return pathCatalogTarget(lakeLocation);
  const credentials = settingsCredentials(restCatalog, env);
  return restCatalogTarget(topic.name, restCatalog, {
    lakeLocation,
    ...(credentials === undefined ? {} : { credentials }),
  });
}
