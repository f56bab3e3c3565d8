import type { IcebergTargetProvider } from '../../shared/compaction/icebergTable.js';
import { pathCatalogTarget } from '../../shared/compaction/pathCatalogTarget.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import type { Lake } from '../emulators/openLake.js';

/**
 * Where a local run's compaction commits a topic with `compaction.table: iceberg`, in either cloud's
 * shape: the path catalog, at the lake's own location (there is no Glue here). Undefined for Delta.
 */
export function localIcebergTarget(topic: TopicConfig, lake: Lake): IcebergTargetProvider | undefined {
  if (topic.compaction.table !== 'iceberg') return undefined;
  return pathCatalogTarget(() => lake.lakeLocation);
}
