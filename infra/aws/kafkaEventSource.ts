import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnEventSourceMapping, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import {
  AuthenticationMethod,
  ManagedKafkaEventSource,
  SelfManagedKafkaEventSource,
} from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { AwsSettings } from '../../shared/config/awsSchema.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';

type MskSource = NonNullable<AwsSettings['msk']>;
type SelfManagedSource = NonNullable<AwsSettings['selfManagedKafka']>;

const AUTHENTICATION_METHODS: Record<SelfManagedSource['authentication'], AuthenticationMethod> = {
  'sasl-scram-512': AuthenticationMethod.SASL_SCRAM_512_AUTH,
  'sasl-scram-256': AuthenticationMethod.SASL_SCRAM_256_AUTH,
  'sasl-plain': AuthenticationMethod.BASIC_AUTH,
  mtls: AuthenticationMethod.CLIENT_CERTIFICATE_TLS_AUTH,
};

/**
 * Attaches the topic's Kafka event source mapping to the ingestion function.
 *
 * Deliberately absent: an on-failure destination, a retry limit, a maximum record age and batch
 * bisection. Each lets Lambda move past a batch the function failed, and the design wants the
 * opposite: a failed batch (the function throws only on transient errors) is retried and holds its
 * partition until storage answers; poison records are dead-lettered by the function itself. With an
 * on-failure destination and the default infinite retries, Lambda applies 10 retries and then sends
 * the batch away (Lambda developer guide, "Configuring error handling controls for Kafka event
 * sources"), so even the S3 destination Kafka mappings support would carry records out of the lake
 * during an outage. The offset-lag and error alarms watch a partition that waits instead.
 */
export function attachKafkaEventSource(
  scope: Construct,
  ingest: IFunction,
  topic: TopicConfig,
  settings: AwsSettings,
  configSource: string,
): void {
  const mapping = {
    topic: topic.name,
    consumerGroupId: topic.consumerGroup,
    batchSize: settings.batchSize,
    maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds),
    startingPosition: StartingPosition[settings.startingPosition],
  };
  if (settings.msk) {
    attachMsk(scope, ingest, settings.msk, mapping, configSource);
  } else if (settings.selfManagedKafka) {
    attachSelfManaged(scope, ingest, settings.selfManagedKafka, mapping);
  }
}

interface MappingOptions {
  readonly topic: string;
  readonly consumerGroupId: string;
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  readonly startingPosition: StartingPosition;
}

function attachMsk(
  scope: Construct,
  ingest: IFunction,
  msk: MskSource,
  mapping: MappingOptions,
  configSource: string,
): void {
  const secret = msk.secretArn
    ? Secret.fromSecretCompleteArn(scope, 'KafkaSecret', msk.secretArn)
    : undefined;
  // The construct grants the secret, kafka:DescribeCluster/GetBootstrapBrokers on the cluster and the
  // AWSLambdaMSKExecutionRole managed policy (the mapping's network interfaces in the cluster's VPC).
  ingest.addEventSource(new ManagedKafkaEventSource({ clusterArn: msk.clusterArn, secret, ...mapping }));
  if (msk.secretKmsKeyArn) {
    // MSK only accepts SCRAM secrets encrypted with a customer-managed key; reading one needs that key.
    ingest.addToRolePolicy(
      new PolicyStatement({ actions: ['kms:Decrypt'], resources: [msk.secretKmsKeyArn] }),
    );
  }
  if (secret) return;
  // Without a SCRAM secret the mapping signs in with the function's role (MSK IAM access control),
  // which needs the Kafka data-plane actions on this cluster, topic and consumer group only.
  ingest.addToRolePolicy(
    new PolicyStatement({
      actions: [
        'kafka-cluster:Connect',
        'kafka-cluster:DescribeClusterDynamicConfiguration',
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:ReadData',
        'kafka-cluster:DescribeGroup',
        'kafka-cluster:AlterGroup',
      ],
      resources: [msk.clusterArn, ...mskTopicAndGroupArns(msk.clusterArn, mapping, configSource)],
    }),
  );
}

/**
 * `arn:…:cluster/<name>/<uuid>` → the ARNs of the topic (`arn:…:topic/<name>/<uuid>/<topic>`) and
 * consumer group (`arn:…:group/<name>/<uuid>/<group>`) that MSK IAM access control authorizes.
 */
function mskTopicAndGroupArns(clusterArn: string, mapping: MappingOptions, configSource: string): string[] {
  const [prefix, cluster] = clusterArn.split(':cluster/');
  if (cluster === undefined) {
    throw new ConfigError(
      `${configSource}: topic "${mapping.topic}", field aws.msk.clusterArn: ${clusterArn} is not a cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)`,
    );
  }
  return [
    `${prefix}:topic/${cluster}/${mapping.topic}`,
    `${prefix}:group/${cluster}/${mapping.consumerGroupId}`,
  ];
}

function attachSelfManaged(
  scope: Construct,
  ingest: IFunction,
  source: SelfManagedSource,
  mapping: MappingOptions,
): void {
  ingest.addEventSource(
    new SelfManagedKafkaEventSource({
      bootstrapServers: source.bootstrapServers,
      authenticationMethod: AUTHENTICATION_METHODS[source.authentication],
      secret: Secret.fromSecretCompleteArn(scope, 'KafkaSecret', source.secretArn),
      rootCACertificate: source.rootCaSecretArn
        ? Secret.fromSecretCompleteArn(scope, 'KafkaRootCa', source.rootCaSecretArn)
        : undefined,
      ...mapping,
    }),
  );
  if (source.vpc) reachBrokersThroughVpc(ingest, source.vpc);
}

/**
 * Brokers inside a VPC: the mapping's pollers get network interfaces in the given subnets with the
 * given security groups. Written in the form the Lambda guide documents (`subnet:<id>`,
 * `security_group:<id>`) because the construct's `vpc` props take a single security group, and no VPC
 * is imported, so synth never looks anything up. The pollers' interfaces are managed with the
 * function's role; these EC2 calls have no resource-level scoping, hence `*`.
 */
function reachBrokersThroughVpc(ingest: IFunction, vpc: NonNullable<SelfManagedSource['vpc']>): void {
  const mapping = ingest.node.findAll().find((child) => child instanceof CfnEventSourceMapping);
  if (!(mapping instanceof CfnEventSourceMapping)) {
    throw new Error(`${ingest.node.path} has no event source mapping to give the brokers' VPC`);
  }
  const existing = Array.isArray(mapping.sourceAccessConfigurations)
    ? mapping.sourceAccessConfigurations
    : [];
  mapping.sourceAccessConfigurations = [
    ...existing,
    ...vpc.subnetIds.map((id) => ({ type: 'VPC_SUBNET', uri: `subnet:${id}` })),
    ...vpc.securityGroupIds.map((id) => ({ type: 'VPC_SECURITY_GROUP', uri: `security_group:${id}` })),
  ];
  ingest.addToRolePolicy(
    new PolicyStatement({
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeVpcs',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
      ],
      resources: ['*'],
    }),
  );
}
