import { Stack } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { glueTableNames } from '../../functions/aws/glueTableNames.js';
import { tableRootOf } from '../../shared/compaction/tableLayout.js';
import type { TopicConfig } from '../../shared/config/schema.js';

/**
 * The Glue database and table of a topic compacted into Iceberg (`compaction.table: iceberg`). The
 * table is created as Iceberg's Glue catalog expects one (`table_type` ICEBERG) without metadata:
 * the first compaction commits the table's first metadata file into `metadata_location`. The
 * compaction worker may read the table and update it, nothing else of Glue.
 */
export class GlueIcebergTable extends Construct {
  readonly database: string;
  readonly table: string;

  constructor(scope: Construct, id: string, props: { topic: TopicConfig; bucket: IBucket }) {
    super(scope, id);
    const { database, table } = glueTableNames(props.topic);
    this.database = database;
    this.table = table;
    const account = Stack.of(this).account;
    const glueDatabase = new CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: {
        name: database,
        description: `Compacted tables of the captured topic ${props.topic.name}`,
      },
    });
    const glueTable = new CfnTable(this, 'Table', {
      catalogId: account,
      databaseName: database,
      tableInput: {
        name: table,
        tableType: 'EXTERNAL_TABLE',
        parameters: { table_type: 'ICEBERG' },
        storageDescriptor: {
          location: props.bucket.s3UrlForObject(tableRootOf(props.topic.name).replace(/\/$/, '')),
        },
      },
    });
    glueTable.addDependency(glueDatabase);
  }

  /** `glue:GetTable` and `glue:UpdateTable` on this table (and the catalog and database Glue checks them against). */
  grantCommit(grantee: IGrantable): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['glue:GetTable', 'glue:UpdateTable'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.database }),
          stack.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${this.database}/${this.table}`,
          }),
        ],
      }),
    );
  }
}

/**
 * When the topic's Iceberg maintenance is on (`compaction.maintenance`: on by default with Glue, off
 * by default with a REST catalog, whose owner maintains the table): `s3:DeleteObject` on the table's
 * `metadata/` folder only, where maintenance deletes expired snapshots' manifest lists and metadata
 * nothing refers to. Data files are never deleted.
 */
export function grantIcebergMaintenance(grantee: IGrantable, topic: TopicConfig, bucket: IBucket): void {
  const { enabled } = topic.compaction.maintenance;
  if (!(enabled ?? topic.compaction.restCatalog === undefined)) return;
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['s3:DeleteObject'],
      resources: [bucket.arnForObjects(`${tableRootOf(topic.name)}metadata/*`)],
    }),
  );
}

/** Reading the REST catalog's client credentials secret, when the topic's config names one; nothing else. */
export function grantRestCatalogCredentials(grantee: IGrantable, topic: TopicConfig): void {
  const credentials = topic.compaction.restCatalog?.credentials;
  if (credentials === undefined || !('secretArn' in credentials)) return;
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [credentials.secretArn] }),
  );
}
