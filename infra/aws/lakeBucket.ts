import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { AwsSettings } from '../../shared/config/awsSchema.js';
import {
  COMPACTED_PREFIX,
  DEAD_LETTER_PREFIX,
  RAW_PREFIX,
  SCHEMAS_PREFIX,
  STAGING_PREFIX,
} from '../../shared/paths/lakePaths.js';

/**
 * Where the S3 ledger kept one object per partition (shared/stores/s3/s3LedgerStore.ts) before the
 * ledger table: still read for a partition the table does not hold yet, and marked moved on the move.
 */
const LEDGER_PREFIX = '_ledger';

/**
 * The topic's lake: raw and dead-letter minute objects and staged segments (the ledger is in its
 * table, see `ledgerTable.ts`), in one bucket per topic so that a stack, its permissions and its
 * lifecycle concern one topic only.
 */
export class LakeBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, settings: AwsSettings) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: settings.bucketName,
      // SSE-S3 needs no key policy and no kms:* grants for every reader of the lake; a customer key
      // buys key-level audit at the price of both.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Unversioned on purpose: raw objects are written once (If-None-Match) and never replaced, so a
      // version history would protect nothing, while every staged segment deleted would leave a
      // noncurrent version behind to pay for.
      versioned: false,
      lifecycleRules: lifecycleRulesOf(settings),
      // A data lake outlives its stack: deleting the stack leaves the bucket and its objects.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * What the capture functions do to the lake and nothing more: read and write raw, dead-letter and
   * staged objects and the ledger objects the ledger table takes over, abort the multipart uploads of
   * a failed seal, delete staged segments (never a visible object), and list. Listing stays unconditioned: without s3:ListBucket, S3 answers a read of a missing key with
   * 403 instead of 404, and a missing ledger or a lost seal race would look like a permission error.
   * With `schemaFiles`, also `_schemas/`, where ingestion of a registry topic publishes writer schemas.
   */
  grantCaptureAccess(grantee: IGrantable, { schemaFiles }: { schemaFiles: boolean }): void {
    const objectsUnder = (...prefixes: string[]) =>
      prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}/*`));
    const statements = [
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: objectsUnder(
          RAW_PREFIX,
          DEAD_LETTER_PREFIX,
          STAGING_PREFIX,
          // The ledger is in its table now; a ledger object from before is read, and marked moved.
          LEDGER_PREFIX,
          ...(schemaFiles ? [SCHEMAS_PREFIX] : []),
        ),
      }),
      new PolicyStatement({
        actions: ['s3:AbortMultipartUpload'],
        resources: objectsUnder(RAW_PREFIX, DEAD_LETTER_PREFIX),
      }),
      new PolicyStatement({ actions: ['s3:DeleteObject'], resources: objectsUnder(STAGING_PREFIX) }),
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    ];
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }

  /**
   * What the compaction dispatcher does: list the ledgers, one per partition, to plan the groups.
   * Nothing else, and no read of a ledger's content.
   */
  grantLedgerListing(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${LEDGER_PREFIX}/*`] } },
      }),
    );
  }

  /**
   * What the compaction worker does: read the ledgers (which hours are closed), the raw objects, the
   * claims and reports of earlier units and the table's Delta log; stage Parquet row groups and publish
   * them, its claim, report and Delta commits under the compacted prefix, replace the table's
   * `_last_checkpoint` and its group's watermark there; delete its staged chunks and late markers. It
   * never writes or deletes a raw object. With `schemaFiles`, also read `_schemas/`: a registry
   * topic's columns come from the writer schemas ingestion published there.
   */
  grantCompactionAccess(grantee: IGrantable, { schemaFiles }: { schemaFiles: boolean }): void {
    const objectsUnder = (...prefixes: string[]) =>
      prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}/*`));
    const statements = [
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: objectsUnder(
          RAW_PREFIX,
          LEDGER_PREFIX,
          STAGING_PREFIX,
          COMPACTED_PREFIX,
          ...(schemaFiles ? [SCHEMAS_PREFIX] : []),
        ),
      }),
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: objectsUnder(STAGING_PREFIX, COMPACTED_PREFIX),
      }),
      new PolicyStatement({
        actions: ['s3:AbortMultipartUpload'],
        resources: objectsUnder(COMPACTED_PREFIX),
      }),
      new PolicyStatement({ actions: ['s3:DeleteObject'], resources: objectsUnder(STAGING_PREFIX) }),
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    ];
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }
}

function lifecycleRulesOf(settings: AwsSettings): LifecycleRule[] {
  const rules: LifecycleRule[] = [
    // Parts of an upload that neither completed nor was aborted (a crash mid-seal) are billed until removed.
    { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    // The seal timer deletes what it seals; only segments of a crashed seal it never revisited stay.
    {
      id: 'expire-staging-leftovers',
      prefix: `${STAGING_PREFIX}/`,
      expiration: Duration.days(settings.stagingRetentionDays),
    },
  ];
  if (settings.rawRetentionDays !== undefined) {
    for (const prefix of [RAW_PREFIX, DEAD_LETTER_PREFIX]) {
      rules.push({
        id: `expire-${prefix}`,
        prefix: `${prefix}/`,
        expiration: Duration.days(settings.rawRetentionDays),
      });
    }
  }
  return rules;
}
