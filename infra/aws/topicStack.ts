import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AwsSettings } from '../../shared/config/awsSchema.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';
import { CaptureFunctions } from './captureFunctions.js';
import { attachKafkaEventSource } from './kafkaEventSource.js';
import { LakeBucket } from './lakeBucket.js';
import { LedgerTable } from './ledgerTable.js';
import { Monitoring } from './monitoring.js';

export interface TopicStackProps extends StackProps {
  readonly stackName: string;
  /** A validated entry of the config file with `platform: aws`. */
  readonly topic: TopicConfig;
  /** The config file's path, named in errors. */
  readonly configSource: string;
}

/**
 * Everything one Kafka topic needs on AWS: its lake bucket and ledger table, the ingestion function and its Kafka event
 * source mapping, the seal timer, the hourly compaction (a dispatcher and its worker), alarms and,
 * with `aws.dashboard`, a dashboard. Outputs name what an operator looks for; none carries a secret
 * or its ARN.
 */
export class TopicStack extends Stack {
  constructor(scope: Construct, id: string, props: TopicStackProps) {
    super(scope, id, {
      ...props,
      description: `Stream capture of Kafka topic ${props.topic.name} into its S3 lake`,
    });
    const { topic, configSource } = props;
    const settings = awsSettingsOf(topic, configSource);

    const lake = new LakeBucket(this, 'Lake', settings);
    const ledger = new LedgerTable(this, 'Ledger');
    const functions = new CaptureFunctions(this, 'Functions', { topic, settings, lake, ledger });
    attachKafkaEventSource(this, functions.ingest, topic, settings, configSource);
    const monitoring = new Monitoring(this, 'Monitoring', {
      topicName: topic.name,
      dashboardName: settings.dashboard ? props.stackName : undefined,
      ingest: functions.ingest,
      sealTimer: functions.sealTimer,
      compactionDispatcher: functions.compactionDispatcher,
      compactionWorker: functions.compactionWorker,
      invocationLogGroups: [functions.ingest.logGroup, functions.sealTimer.logGroup],
      offsetLagAlarm: settings.offsetLagAlarm,
    });

    new CfnOutput(this, 'BucketName', { value: lake.bucket.bucketName });
    new CfnOutput(this, 'LedgerTableName', { value: ledger.table.tableName });
    new CfnOutput(this, 'IngestFunctionName', { value: functions.ingest.functionName });
    new CfnOutput(this, 'SealTimerFunctionName', { value: functions.sealTimer.functionName });
    new CfnOutput(this, 'CompactionDispatcherFunctionName', {
      value: functions.compactionDispatcher.functionName,
    });
    new CfnOutput(this, 'CompactionWorkerFunctionName', { value: functions.compactionWorker.functionName });
    if (monitoring.dashboard !== undefined) {
      new CfnOutput(this, 'DashboardName', { value: props.stackName });
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      value: monitoring.alarmTopic.topicArn,
      description: 'Subscribe an e-mail address or a pager to receive the alarms',
    });
  }
}

/** The schema requires the aws block on `platform: aws`; this narrows the type for the stack. */
function awsSettingsOf(topic: TopicConfig, configSource: string): AwsSettings {
  if (topic.platform !== 'aws' || topic.aws === undefined) {
    throw new ConfigError(
      `${configSource}: topic "${topic.name}", field aws: a stack needs platform: aws and an aws block`,
    );
  }
  return topic.aws;
}
