import type { GlueClient } from '@aws-sdk/client-glue';
import type { IcebergTargetProvider } from '../../shared/compaction/icebergTable.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { glueTableCatalog } from './glueTableCatalog.js';
import { GLUE_DATABASE_VARIABLE, GLUE_TABLE_VARIABLE, glueTableNames } from './glueTableNames.js';
import { BUCKET_VARIABLE } from './runtime.js';

/**
 * Where a topic with `compaction.table: iceberg` commits on AWS: the Glue table the stack created
 * (named by the worker's environment), over the lake bucket's `s3://` locations. Undefined for a
 * Delta topic. The Glue SDK loads on the first compaction, one client per instance.
 */
export function glueIcebergTarget(
  topic: TopicConfig,
  env: NodeJS.ProcessEnv,
): IcebergTargetProvider | undefined {
  if (topic.compaction.table !== 'iceberg') return undefined;
  const names = glueTableNames(topic);
  const database = env[GLUE_DATABASE_VARIABLE] ?? names.database;
  const table = env[GLUE_TABLE_VARIABLE] ?? names.table;
  const lakeLocation = `s3://${env[BUCKET_VARIABLE]}/`;
  let client: GlueClient | undefined;
  return async ({ store }) => {
    if (!client) {
      const { GlueClient } = await import('@aws-sdk/client-glue');
      client = new GlueClient({});
    }
    const glue = client;
    return {
      lakeLocation,
      catalog: (root) =>
        glueTableCatalog(root, { client: glue, database, table, objects: store.objects, lakeLocation }),
    };
  };
}
