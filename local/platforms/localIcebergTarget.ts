import type { IcebergTargetProvider } from '../../shared/compaction/icebergTable.js';
import { pathCatalogTarget } from '../../shared/compaction/pathCatalogTarget.js';
import { restCatalogTarget } from '../../shared/compaction/restCatalogTarget.js';
import { settingsCredentials } from '../../shared/compaction/settingsCredentials.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';
import type { Lake } from '../emulators/openLake.js';

/**
 * Where a local run's compaction commits a topic with `compaction.table: iceberg`, in either cloud's
 * shape: the REST catalog its config names (client credentials from the environment's settings), or
 * else the path catalog at the lake's own location (there is no Glue here). Undefined for Delta.
 */
export function localIcebergTarget(
  topic: TopicConfig,
  lake: Lake,
  env: NodeJS.ProcessEnv = process.env,
): IcebergTargetProvider | undefined {
  if (topic.compaction.table !== 'iceberg') return undefined;
  const lakeLocation = () => lake.lakeLocation;
  const { restCatalog } = topic.compaction;
  if (restCatalog === undefined) return pathCatalogTarget(lakeLocation);
  if (restCatalog.credentials !== undefined && 'secretArn' in restCatalog.credentials) {
    throw new ConfigError(
      `topic ${topic.name}: a local run reads no Secrets Manager secret; name the REST catalog's client id and secret as settings (credentials: { clientIdSetting, clientSecretSetting }) and set them in the environment`,
    );
  }
  const credentials = settingsCredentials(restCatalog, env);
  return restCatalogTarget(topic.name, restCatalog, {
    lakeLocation,
    ...(credentials === undefined ? {} : { credentials }),
  });
}
