import { resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, serviceNameOf } from '../../functions/aws/metricNames.js';
import { BUCKET_VARIABLE, TOPIC_CONFIG_VARIABLE } from '../../functions/aws/runtime.js';
import type { AwsSettings } from '../../shared/config/awsSchema.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import type { LakeBucket } from './lakeBucket.js';
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
}

/** How one function differs from the ingestion function's settings. */
interface FunctionOptions {
  readonly retryAttempts?: number;
  readonly memoryMiB?: number;
  readonly timeoutSeconds?: number;
}

/**
 * The topic's Lambda functions: ingestion (invoked by the Kafka event source mapping, attached by the
 * stack), the seal timer, which seals every minute what no new record will seal (idle partitions),
 * and the hourly compaction of closed hours into Parquet.
 */
export class CaptureFunctions extends Construct {
  readonly ingest: NodejsFunction;
  readonly sealTimer: NodejsFunction;
  readonly compaction: NodejsFunction;

  constructor(scope: Construct, id: string, props: CaptureFunctionsProps) {
    super(scope, id);
    const { lake, settings } = props;
    this.ingest = this.captureFunction('Ingest', 'functions/aws/ingest.ts', props);
    // A failed timer run is not worth retrying later: the next scheduled run does the same work afresh.
    this.sealTimer = this.captureFunction('SealTimer', 'functions/aws/sealTimer.ts', props, {
      retryAttempts: 0,
    });
    lake.grantCaptureAccess(this.ingest);
    lake.grantCaptureAccess(this.sealTimer);
    new Rule(this, 'SealEveryMinute', {
      description: `Seals the minutes of ${props.topic.name} that no new record will seal`,
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.sealTimer)],
    });

    this.compaction = this.captureFunction('Compaction', 'functions/aws/compact.ts', props, {
      retryAttempts: 0,
      memoryMiB: settings.compactionMemoryMiB,
      // An hour of a busy topic takes minutes to encode; Lambda's longest run leaves the most room.
      timeoutSeconds: 900,
    });
    lake.grantCompactionAccess(this.compaction);
    new Rule(this, 'CompactEveryHour', {
      description: `Compacts the closed hours of ${props.topic.name} into Parquet`,
      // Minute 10: an hour is closed about two minutes after it ends, with room for a slow trigger.
      schedule: Schedule.cron({ minute: '10' }),
      targets: [new LambdaFunction(this.compaction)],
    });
  }

  private captureFunction(
    id: string,
    entry: string,
    { topic, settings, lake }: CaptureFunctionsProps,
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
        POWERTOOLS_SERVICE_NAME: serviceNameOf(topic.name),
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      retryAttempts: options.retryAttempts,
    });
    return captureFunction;
  }
}
