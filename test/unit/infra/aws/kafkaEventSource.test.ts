import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  CLUSTER_ARN,
  configOf,
  exampleStacks,
  INGEST_POLICY,
  mskTopic,
  resourceOf,
  SECRET_ARN,
  selfManagedTopic,
  statementsOf,
  synthesizeStacks,
} from './stackFixtures.js';

describe('Class: TopicStack (Kafka event source mapping)', () => {
  const { payments, telemetry, templateOf } = exampleStacks();

  describe('Kafka event source mapping', () => {
    const NOTHING_THAT_SKIPS_A_FAILED_BATCH = {
      DestinationConfig: Match.absent(),
      MaximumRetryAttempts: Match.absent(),
      MaximumRecordAgeInSeconds: Match.absent(),
      BisectBatchOnFunctionError: Match.absent(),
      FunctionResponseTypes: Match.absent(),
    };

    it('reads an MSK topic with the batching of its config, as the function role (IAM access control)', () => {
      // Prepare
      const template = templateOf(payments);
      const ingest = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsIngest');

      // Assess
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: ingest.id },
        EventSourceArn: CLUSTER_ARN,
        Topics: ['payments'],
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'capture-payments' },
        BatchSize: 2000,
        MaximumBatchingWindowInSeconds: 10,
        StartingPosition: 'LATEST',
        SourceAccessConfigurations: Match.absent(),
        ...NOTHING_THAT_SKIPS_A_FAILED_BATCH,
      });
    });

    it('reads a self-managed topic with its secret, subnets and every security group', () => {
      // Prepare
      const template = templateOf(telemetry);

      // Assess
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        SelfManagedEventSource: {
          Endpoints: { KafkaBootstrapServers: ['b-1.kafka.example.com:9096', 'b-2.kafka.example.com:9096'] },
        },
        Topics: ['telemetry'],
        SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'capture-telemetry' },
        BatchSize: 10_000,
        MaximumBatchingWindowInSeconds: 60,
        StartingPosition: 'TRIM_HORIZON',
        SourceAccessConfigurations: [
          { Type: 'SASL_SCRAM_512_AUTH', URI: SECRET_ARN },
          { Type: 'VPC_SUBNET', URI: 'subnet:subnet-0a1b2c3d' },
          { Type: 'VPC_SUBNET', URI: 'subnet:subnet-4e5f6a7b' },
          { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-0a1b2c3d' },
          { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-4e5f6a7b' },
        ],
        ...NOTHING_THAT_SKIPS_A_FAILED_BATCH,
      });
    });

    it('signs in to MSK with the SCRAM secret when the config names one', () => {
      // Prepare
      const mskSecret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_capture-AbCdEf';
      const topic = mskTopic({ aws: { msk: { clusterArn: CLUSTER_ARN, secretArn: mskSecret } } });

      // Act
      const template = synthesizeStacks(configOf(topic)).get('capture-payments') as Template;

      // Assess
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: mskSecret }],
      });
      const actions = statementsOf(template, INGEST_POLICY).flatMap(actionsOf);
      expect(actions).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue']));
      expect(actions.filter((action) => action.startsWith('kafka-cluster:'))).toEqual([]);
    });

    it('may decrypt the MSK secret with the customer-managed key the config names, and nothing else', () => {
      const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const mskSecret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_capture-AbCdEf';
      const topic = mskTopic({
        aws: { msk: { clusterArn: CLUSTER_ARN, secretArn: mskSecret, secretKmsKeyArn: keyArn } },
      });

      const template = synthesizeStacks(configOf(topic)).get('capture-payments') as Template;

      const decrypt = statementsOf(template, INGEST_POLICY).filter((statement) =>
        actionsOf(statement).includes('kms:Decrypt'),
      );
      expect(decrypt.map((statement) => statement.Resource)).toEqual([keyArn]);
    });

    it('trusts the private root CA of self-managed brokers when the config names its secret', () => {
      const rootCa = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-root-ca-AbCdEf';
      const topic = selfManagedTopic({
        aws: {
          selfManagedKafka: {
            bootstrapServers: ['b-1.kafka.example.com:9096'],
            authentication: 'mtls',
            secretArn: SECRET_ARN,
            rootCaSecretArn: rootCa,
          },
        },
      });

      const template = synthesizeStacks(configOf(topic)).get('capture-telemetry') as Template;

      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        SourceAccessConfigurations: Match.arrayWith([{ Type: 'SERVER_ROOT_CA_CERTIFICATE', URI: rootCa }]),
      });
    });

    it.each([
      ['sasl-scram-512', 'SASL_SCRAM_512_AUTH'],
      ['sasl-scram-256', 'SASL_SCRAM_256_AUTH'],
      ['sasl-plain', 'BASIC_AUTH'],
      ['mtls', 'CLIENT_CERTIFICATE_TLS_AUTH'],
    ] as const)('maps authentication %s to %s', (authentication, type) => {
      // Prepare
      const topic = selfManagedTopic({
        aws: {
          selfManagedKafka: {
            bootstrapServers: ['b-1.kafka.example.com:9096'],
            authentication,
            secretArn: SECRET_ARN,
          },
        },
      });

      // Act
      const template = synthesizeStacks(configOf(topic)).get('capture-telemetry') as Template;

      // Assess
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        SourceAccessConfigurations: [{ Type: type, URI: SECRET_ARN }],
      });
    });
  });
});
