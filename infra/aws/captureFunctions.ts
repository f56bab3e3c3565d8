import { resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { COMPACTION_WORKER_VARIABLE } from '../../functions/aws/compactionWorkerInvoker.js';
import { GLUE_DATABASE_VARIABLE, GLUE_TABLE_VARIABLE } from '../../functions/aws/glueTableNames.js';
import { METRICS_NAMESPACE, serviceNameOf } from '../../functions/aws/metricNames.js';
import {
  BUCKET_VARIABLE,
  LEDGER_TABLE_VARIABLE,
  TOPIC_CONFIG_VARIABLE,
} from '../../functions/aws/runtime.js';
import type { AwsSettings } from '../../shared/config/awsSchema.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { GlueIcebergTable, grantIcebergMaintenance, grantRestCatalogCredentials } from './icebergTable.js';
import type { LakeBucket } from './lakeBucket.js';
import type { LedgerTable } from './ledgerTable.js';
import { grantRegistryRead } from './registryAccess.js';
import { REPOSITORY_ROOT } from './repositoryPaths.js';

/**
 * Everything is bundled, the AWS SDK included: the S3 store relies on conditional writes and on the
 * checksum behaviour of the @aws-sdk/client-s3 version in package-lock.json, not on whichever copy the
 * Lambda runtime ships this month. The bundle is ESM (top-level await, smaller output); the banner gives
 * CommonJS dependencies bundled into it the `require` they call for Node built-ins.
 */
const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  externalModules: [],
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};

export interface CaptureFunctionsProps {
  readonly topic: TopicConfig;
  readonly settings: AwsSettings;
  readonly lake: LakeBucket;
  readonly ledger: LedgerTable;
}

/** How one function differs from the ingestion function's settings. */
interface FunctionOptions {
  readonly retryAttempts?: number;
  /** How long an asynchronous event may wait for its (re)try before Lambda drops it. */
  readonly maxEventAge?: Duration;
  readonly memoryMiB?: number;
  readonly timeoutSeconds?: number;
  readonly environment?: Record<string, string>;
}

/** The dispatcher lists the ledger's partitions and queues one event per group: little memory, seconds. */
const DISPATCHER = { memoryMiB: 512, timeoutSeconds: 120 } as const;

/**
 * The topic's Lambda functions: ingestion (invoked by the Kafka event source mapping, attached by the
 * stack), the seal timer, which seals every minute what no new record will seal (idle partitions),
 * and the hourly compaction of closed hours into Parquet: a dispatcher on the schedule that invokes
 * the compaction worker once per partition group. Two functions rather than one invoking itself: a
 * function allowed to invoke its own ARN needs that ARN in its role's policy, a cycle CloudFormation
 * cannot create, and the dispatcher keeps a small role (ledger listing, this one invoke) and bundle.
 */
export class CaptureFunctions extends Construct {
  readonly ingest: NodejsFunction;
  readonly sealTimer: NodejsFunction;
  readonly compactionDispatcher: NodejsFunction;
  readonly compactionWorker: NodejsFunction;

  constructor(scope: Construct, id: string, props: CaptureFunctionsProps) {
    super(scope, id);
    const { lake, ledger, settings } = props;
    this.ingest = this.captureFunction('Ingest', 'functions/aws/ingest.ts', props);
    // A failed timer run is not worth retrying later: the next scheduled run does the same work afresh.
    this.sealTimer = this.captureFunction('SealTimer', 'functions/aws/sealTimer.ts', props, {
      retryAttempts: 0,
    });
    // Ingestion publishes the writer schemas it meets under _schemas/; the timer never decodes.
    lake.grantCaptureAccess(this.ingest, { schemaFiles: props.topic.registry !== undefined });
    lake.grantCaptureAccess(this.sealTimer, { schemaFiles: false });
    ledger.grantLedgerWrites(this.ingest);
    ledger.grantLedgerSealing(this.sealTimer);
    grantRegistryRead(this, this.ingest, props.topic);
    new Rule(this, 'SealEveryMinute', {
      description: `Seals the minutes of ${props.topic.name} that no new record will seal`,
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.sealTimer)],
    });

    this.compactionWorker = this.captureFunction('CompactionWorker', 'functions/aws/compact.ts', props, {
      // A group that failed on a passing error is redone within minutes rather than an hour later;
      // a rerun is safe (deterministic names, create-only publishing). An event older than an hour
      // is dropped: the next dispatch has sent its group again by then.
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      memoryMiB: settings.compactionMemoryMiB,
      // An hour of a busy group takes minutes to encode; Lambda's longest run leaves the most room.
      timeoutSeconds: 900,
    });
    lake.grantCompactionAccess(this.compactionWorker, { schemaFiles: props.topic.registry !== undefined });
    ledger.grantLedgerReads(this.compactionWorker);
    if (props.topic.compaction.table === 'iceberg') {
      // A REST catalog is the user's own: the worker only reads its credentials, and Glue is not used.
      if (props.topic.compaction.restCatalog === undefined) {
        const iceberg = new GlueIcebergTable(this, 'IcebergTable', {
          topic: props.topic,
          bucket: lake.bucket,
        });
        iceberg.grantCommit(this.compactionWorker);
        this.compactionWorker.addEnvironment(GLUE_DATABASE_VARIABLE, iceberg.database);
        this.compactionWorker.addEnvironment(GLUE_TABLE_VARIABLE, iceberg.table);
      }
      grantRestCatalogCredentials(this.compactionWorker, props.topic);
      grantIcebergMaintenance(this.compactionWorker, props.topic, lake.bucket);
    }
    this.compactionDispatcher = this.captureFunction(
      'CompactionDispatcher',
      'functions/aws/compactDispatcher.ts',
      props,
      {
        // A failed dispatch is redone by the next hourly one: compaction looks back a day.
        retryAttempts: 0,
        ...DISPATCHER,
        environment: { [COMPACTION_WORKER_VARIABLE]: this.compactionWorker.functionName },
      },
    );
    lake.grantLedgerListing(this.compactionDispatcher);
    ledger.grantLedgerListing(this.compactionDispatcher);
    // lambda:InvokeFunction on the worker (and its versions) alone.
    this.compactionWorker.grantInvoke(this.compactionDispatcher);
    new Rule(this, 'CompactEveryHour', {
      description: `Sends each partition group of ${props.topic.name} to compaction into Parquet`,
      // Minute 10: an hour is closed about two minutes after it ends, with room for a slow trigger.
      schedule: Schedule.cron({ minute: '10' }),
      targets: [new LambdaFunction(this.compactionDispatcher)],
    });
  }

  private captureFunction(
    id: string,
    entry: string,
    { topic, settings, lake, ledger }: CaptureFunctionsProps,
    options: FunctionOptions = {},
  ): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      // Logs are operational, not data: they go with the stack (the lake bucket stays).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const captureFunction = new NodejsFunction(this, id, {
      entry: resolve(REPOSITORY_ROOT, entry),
      handler: 'handler',
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: resolve(REPOSITORY_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: options.memoryMiB ?? settings.memoryMiB,
      timeout: Duration.seconds(options.timeoutSeconds ?? settings.timeoutSeconds),
      bundling: BUNDLING,
      logGroup,
      environment: {
        // The validated entry, re-validated by the same schema at cold start: no YAML parser in the bundle.
        [TOPIC_CONFIG_VARIABLE]: JSON.stringify(topic),
        [BUCKET_VARIABLE]: lake.bucket.bucketName,
        [LEDGER_TABLE_VARIABLE]: ledger.table.tableName,
        POWERTOOLS_SERVICE_NAME: serviceNameOf(topic.name),
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...options.environment,
      },
      retryAttempts: options.retryAttempts,
      maxEventAge: options.maxEventAge,
    });
    return captureFunction;
  }
}
