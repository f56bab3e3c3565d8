import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LEDGER_TABLE_KEY } from '../../shared/stores/dynamodb/ledgerTableKey.js';

/**
 * The topic's ledger: one item per partition (shared/stores/dynamodb/dynamoLedgerStore.ts), on
 * demand. A conditional write costs an eighth of the S3 PUT that kept the ledger before, and every
 * batch writes the ledger once. Kept when the stack goes, as the bucket is: the lake's sealed minutes
 * are only meaningful with the ledger that says what was captured.
 */
export class LedgerTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: LEDGER_TABLE_KEY.partitionKey, type: AttributeType.STRING },
      sortKey: { name: LEDGER_TABLE_KEY.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      // A table deleted by hand would turn every partition into a lost ledger, held until repaired.
      deletionProtection: true,
      // Restores go to a new table, which the stack can then be pointed at (a few KB: cents a year).
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Ingestion: read and write (conditionally) the ledgers of the partitions it is given. */
  grantLedgerWrites(grantee: IGrantable): void {
    this.grant(grantee, ['dynamodb:GetItem', 'dynamodb:PutItem']);
  }

  /** The seal timer: read, write and list the topic's ledgers, idle partitions' included. */
  grantLedgerSealing(grantee: IGrantable): void {
    this.grant(grantee, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
  }

  /**
   * The compaction worker: read the ledgers (which hours are closed) and list them (its group's
   * partitions must be the topic's), never write them.
   */
  grantLedgerReads(grantee: IGrantable): void {
    this.grant(grantee, ['dynamodb:GetItem', 'dynamodb:Query']);
  }

  /** The compaction dispatcher: list the partitions that have a ledger, to plan the groups. */
  grantLedgerListing(grantee: IGrantable): void {
    this.grant(grantee, ['dynamodb:Query']);
  }

  private grant(grantee: IGrantable, actions: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources: [this.table.tableArn] }),
    );
  }
}
