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

/**
 * The topic's Lambda functions: ingestion (invoked by the Kafka event source mapping, attached by the
 * stack) and the seal timer, which seals every minute what no new record will seal (idle partitions).
 *
 * The hourly compaction to Parquet (DESIGN.md §5) belongs here as a third function, scheduled hourly
 * with its own grant (read raw/, write the compacted prefix), once functions/aws has its entry.
 */
export class CaptureFunctions extends Construct {
  readonly ingest: NodejsFunction;
  readonly sealTimer: NodejsFunction;

  constructor(scope: Construct, id: string, props: CaptureFunctionsProps) {
    super(scope, id);
    this.ingest = this.captureFunction('Ingest', 'functions/aws/ingest.ts', props);
    this.sealTimer = this.captureFunction('SealTimer', 'functions/aws/sealTimer.ts', props, {
      // A failed run is not worth retrying later: the next minute's run does the same work afresh.
      retryAttempts: 0,
    });
    new Rule(this, 'SealEveryMinute', {
      description: `Seals the minutes of ${props.topic.name} that no new record will seal`,
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.sealTimer)],
    });
  }

  private captureFunction(
    id: string,
    entry: string,
    { topic, settings, lake }: CaptureFunctionsProps,
    extra: { retryAttempts?: number } = {},
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
      memorySize: settings.memoryMiB,
      timeout: Duration.seconds(settings.timeoutSeconds),
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
      ...extra,
    });
    lake.grantCaptureAccess(captureFunction);
    return captureFunction;
  }
}
