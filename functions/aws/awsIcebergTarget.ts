import type { GlueClient } from '@aws-sdk/client-glue';
import type { IcebergTargetProvider } from '../../shared/compaction/icebergTable.js';
import { restCatalogTarget } from '../../shared/compaction/restCatalogTarget.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { TransientStoreError } from '../../shared/errors.js';
import type { ClientCredentials } from '../../shared/tables/iceberg/restAuthorization.js';
import { glueTableCatalog } from './glueTableCatalog.js';
import { GLUE_DATABASE_VARIABLE, GLUE_TABLE_VARIABLE, glueTableNames } from './glueTableNames.js';
import { BUCKET_VARIABLE } from './runtime.js';
import { secretJsonFields } from './secretJson.js';

/**
 * Where a topic with `compaction.table: iceberg` commits on AWS: the REST catalog its config names
 * (its client credentials read from the Secrets Manager secret), or else the Glue table the stack
 * created (named by the worker's environment), over the lake bucket's `s3://` locations. Undefined
 * for a Delta topic. The Glue SDK loads on the first compaction, one client per instance.
 */
export function awsIcebergTarget(
  topic: TopicConfig,
  env: NodeJS.ProcessEnv,
): IcebergTargetProvider | undefined {
  if (topic.compaction.table !== 'iceberg') return undefined;
  const lakeLocation = `s3://${env[BUCKET_VARIABLE]}/`;
  const { restCatalog } = topic.compaction;
  if (restCatalog !== undefined) {
    const credentials = restCatalog.credentials;
    const secretArn = credentials !== undefined && 'secretArn' in credentials ? credentials.secretArn : null;
    return restCatalogTarget(topic.name, restCatalog, {
      lakeLocation: () => lakeLocation,
      ...(secretArn === null ? {} : { credentials: () => catalogCredentials(secretArn) }),
    });
  }
  const names = glueTableNames(topic);
  const database = env[GLUE_DATABASE_VARIABLE] ?? names.database;
  const table = env[GLUE_TABLE_VARIABLE] ?? names.table;
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

/** The REST catalog's client credentials, read with each token the catalog is asked for. */
async function catalogCredentials(secretArn: string): Promise<ClientCredentials> {
  return secretJsonFields(
    secretArn,
    ['clientId', 'clientSecret'],
    'the Iceberg REST catalog',
    (cause) =>
      new TransientStoreError("could not read the Iceberg REST catalog's credentials secret", { cause }),
  );
}
