import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../../../functions/aws/metricNames.js';
import { addCaptureStacks, configPathFor } from '../../../../infra/aws/captureApp.js';
import { DEFAULT_CONFIG_PATH } from '../../../../infra/aws/repositoryPaths.js';
import { loadConfigFile, parseConfig } from '../../../../shared/config/load.js';
import type { TopicConfig } from '../../../../shared/config/schema.js';
import { ConfigError } from '../../../../shared/errors.js';
import {
  CLUSTER_ARN,
  CONFIG_SOURCE,
  configOf,
  mskTopic,
  objectsUnder,
  ROOT,
  resourceOf,
  SECRET_ARN,
  selfManagedTopic,
  synthesizeStacks,
} from './stackFixtures.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const resourcesOf = (statement: Statement) =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

function statementsOf(template: Template, policyPrefix: string): Statement[] {
  const { properties } = resourceOf(template, 'AWS::IAM::Policy', policyPrefix);
  return (properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

const INGEST_POLICY = 'FunctionsIngestServiceRoleDefaultPolicy';
const SEAL_POLICY = 'FunctionsSealTimerServiceRoleDefaultPolicy';
const WORKER_POLICY = 'FunctionsCompactionWorkerServiceRoleDefaultPolicy';
const DISPATCHER_POLICY = 'FunctionsCompactionDispatcherServiceRoleDefaultPolicy';

describe('Function: addCaptureStacks', () => {
  it('creates one stack per topic with platform aws from the example config file, named capture-<topic>', () => {
    // Prepare
    const config = loadConfigFile(DEFAULT_CONFIG_PATH);

    // Act
    const stacks = synthesizeStacks(config);

    // Assess
    const awsTopics = config.topics.filter((topic) => topic.platform === 'aws').map((topic) => topic.name);
    expect(awsTopics.length).toBeGreaterThanOrEqual(2);
    expect([...stacks.keys()]).toEqual(awsTopics.map((name) => `capture-${name}`));
  });

  it('gives a topic added to the config its own stack with no other edit', () => {
    // Prepare
    const before = configOf(mskTopic(), selfManagedTopic());
    const after = configOf(
      mskTopic(),
      selfManagedTopic(),
      mskTopic({ name: 'refunds', consumerGroup: 'cg' }),
    );

    // Act
    const stacksBefore = synthesizeStacks(before);
    const stacksAfter = synthesizeStacks(after);

    // Assess
    expect(stacksAfter.size).toBe(stacksBefore.size + 1);
    const refunds = stacksAfter.get('capture-refunds');
    expect(refunds).toBeDefined();
    refunds?.hasResourceProperties('AWS::Lambda::EventSourceMapping', { Topics: ['refunds'] });
  });

  it('names a stack capture-<topic> with "." and "_" turned into "-"', () => {
    // Act
    const stacks = synthesizeStacks(configOf(mskTopic({ name: 'billing.events_v2' })));

    // Assess
    expect([...stacks.keys()]).toEqual(['capture-billing-events-v2']);
  });

  it('refuses two topics whose stack names collide, naming the file, the topic and the field', () => {
    // Prepare
    const config = configOf(mskTopic({ name: 'billing.events' }), mskTopic({ name: 'billing_events' }));

    // Act
    const synthesize = () => addCaptureStacks(new App(), config, CONFIG_SOURCE);

    // Assess
    expect(synthesize).toThrow(ConfigError);
    expect(synthesize).toThrow(`${CONFIG_SOURCE}: topic "billing_events" (topics[1]), field name:`);
  });
});

describe('Function: configPathFor', () => {
  it.each([
    [
      'the CDK context',
      { config: 'from-context.yaml' },
      { CAPTURE_CONFIG: 'from-env.yaml' },
      'from-context.yaml',
    ],
    ['CAPTURE_CONFIG', {}, { CAPTURE_CONFIG: 'from-env.yaml' }, 'from-env.yaml'],
  ])('reads the config path from %s first', (_, context, env, expected) => {
    // Act
    const path = configPathFor(new App({ context }), env);

    // Assess
    expect(path).toBe(resolve(expected));
  });

  it('defaults to capture.config.yaml at the repository root', () => {
    expect(configPathFor(new App(), {})).toBe(join(ROOT, 'capture.config.yaml'));
  });
});

describe('Class: TopicStack', () => {
  const payments = parseConfig({ topics: [mskTopic()] }, CONFIG_SOURCE).topics[0] as TopicConfig;
  const telemetry = parseConfig({ topics: [selfManagedTopic()] }, CONFIG_SOURCE).topics[0] as TopicConfig;
  let stacks: Map<string, Template>;
  const templateOf = (topic: TopicConfig) => stacks.get(`capture-${topic.name}`) as Template;

  beforeAll(() => {
    stacks = synthesizeStacks(configOf(mskTopic(), selfManagedTopic()));
  });

  describe('functions', () => {
    it.each([
      { name: 'Ingest', topic: payments },
      { name: 'SealTimer', topic: payments },
      { name: 'Ingest', topic: telemetry },
      { name: 'SealTimer', topic: telemetry },
    ])(
      'runs $name of $topic.name on Node 22 arm64 with the memory, timeout and environment of the topic',
      ({ name, topic }) => {
        // Prepare
        const template = templateOf(topic);
        const bucket = resourceOf(template, 'AWS::S3::Bucket', 'LakeBucket');
        const logs = resourceOf(template, 'AWS::Logs::LogGroup', `Functions${name}Logs`);

        // Act
        const { properties } = resourceOf(template, 'AWS::Lambda::Function', `Functions${name}`);

        // Assess
        expect(properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          MemorySize: topic.aws?.memoryMiB,
          Timeout: topic.aws?.timeoutSeconds,
          LoggingConfig: { LogGroup: { Ref: logs.id } },
          Environment: {
            Variables: {
              CAPTURE_BUCKET: { Ref: bucket.id },
              POWERTOOLS_SERVICE_NAME: `capture-${topic.name}`,
              POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
              NODE_OPTIONS: '--enable-source-maps',
            },
          },
        });
        expect(logs.properties.RetentionInDays).toBe(30);
      },
    );

    it.each([payments, telemetry])(
      'passes the validated entry of $name as CAPTURE_TOPIC_CONFIG, which the schema accepts again',
      (topic) => {
        // Prepare
        const { properties } = resourceOf(templateOf(topic), 'AWS::Lambda::Function', 'FunctionsIngest');
        const variables = (properties.Environment as { Variables: Record<string, string> }).Variables;

        // Act
        const entry: unknown = JSON.parse(variables.CAPTURE_TOPIC_CONFIG as string);

        // Assess
        expect(entry).toEqual(topic);
        expect(parseConfig({ topics: [entry] }, 'CAPTURE_TOPIC_CONFIG').topics[0]).toEqual(topic);
      },
    );

    it('runs the seal timer every minute and does not retry a failed run', () => {
      // Prepare
      const template = templateOf(payments);
      const sealTimer = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsSealTimer');

      // Assess
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sealTimer.id, 'Arn'] } })],
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: sealTimer.id },
        MaximumRetryAttempts: 0,
      });
    });

    it('dispatches compaction every hour at minute 10, small and quick, without retry, to the worker it names', () => {
      // Prepare
      const template = templateOf(payments);
      const dispatcher = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsCompactionDispatcher');
      const worker = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsCompactionWorker');

      // Assess
      expect(dispatcher.properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 120,
        Environment: { Variables: { CAPTURE_COMPACTION_WORKER: { Ref: worker.id } } },
      });
      template.resourceCountIs('AWS::Events::Rule', 2);
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(10 * * * ? *)',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [dispatcher.id, 'Arn'] } })],
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: dispatcher.id },
        MaximumRetryAttempts: 0,
      });
    });

    it('runs the compaction worker with its own memory and the longest timeout, retried within the hour', () => {
      // Prepare
      const template = templateOf(payments);
      const worker = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsCompactionWorker');

      // Assess
      expect(worker.properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 2048,
        Timeout: 900,
      });
      expect(JSON.stringify(worker.properties.Environment)).not.toContain('CAPTURE_COMPACTION_WORKER');
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: worker.id },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
      });
      // Invoked by the dispatcher only: no schedule, no event source mapping.
      const rules = Object.values(template.findResources('AWS::Events::Rule'));
      expect(JSON.stringify(rules)).not.toContain(worker.id);
    });
  });

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
        MaximumBatchingWindowInSeconds: 30,
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

  describe('lake bucket', () => {
    it('encrypts, blocks public access, is unversioned and is retained with its stack', () => {
      // Prepare
      const template = templateOf(payments);

      // Assess
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          BucketName: Match.absent(),
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: Match.absent(),
        }),
      });
    });

    it('denies every request that does not use TLS', () => {
      // Prepare
      const template = templateOf(payments);
      const bucket = resourceOf(template, 'AWS::S3::Bucket', 'LakeBucket');

      // Assess
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket.id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('expires staging leftovers and incomplete uploads, and raw and dead-letter objects when asked', () => {
      // Prepare
      const expected = [
        {
          Id: 'abort-incomplete-uploads',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        },
        { Id: 'expire-staging-leftovers', Prefix: '_staging/', ExpirationInDays: 7, Status: 'Enabled' },
        { Id: 'expire-raw', Prefix: 'raw/', ExpirationInDays: 90, Status: 'Enabled' },
        { Id: 'expire-deadletter', Prefix: 'deadletter/', ExpirationInDays: 90, Status: 'Enabled' },
      ];

      // Assess
      templateOf(payments).hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: expected },
      });
      // Without rawRetentionDays, raw and dead-letter objects stay; staging uses its default of 14 days.
      templateOf(telemetry).hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: [
            expected[0],
            { Id: 'expire-staging-leftovers', Prefix: '_staging/', ExpirationInDays: 14, Status: 'Enabled' },
          ],
        },
      });
    });

    it('takes its name from aws.bucketName when the config sets one', () => {
      // Prepare
      const topic = mskTopic({
        aws: { msk: { clusterArn: CLUSTER_ARN }, bucketName: 'example-payments-lake' },
      });

      // Act
      const template = synthesizeStacks(configOf(topic)).get('capture-payments') as Template;

      // Assess
      template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'example-payments-lake' });
    });
  });

  describe('permissions', () => {
    it.each([payments, telemetry])('grants no wildcard action in any policy of $name', (topic) => {
      // Prepare
      const policies = Object.values(templateOf(topic).findResources('AWS::IAM::Policy'));

      // Act
      const actions = policies.flatMap((policy) =>
        (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap(actionsOf),
      );

      // Assess
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
    });

    it.each([INGEST_POLICY, SEAL_POLICY])(
      'lets %s use this bucket only, its four prefixes and nothing more',
      (policy) => {
        // Prepare
        const template = templateOf(payments);
        const bucket = resourceOf(template, 'AWS::S3::Bucket', 'LakeBucket').id;

        // Act
        const s3Statements = statementsOf(template, policy).filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith('s3:')),
        );

        // Assess
        expect(s3Statements).toEqual([
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: ['_ledger', '_staging', 'deadletter', 'raw'].map((prefix) =>
              objectsUnder(bucket, prefix),
            ),
          },
          {
            Effect: 'Allow',
            Action: 's3:AbortMultipartUpload',
            Resource: ['deadletter', 'raw'].map((prefix) => objectsUnder(bucket, prefix)),
          },
          // Visible objects are never deleted: only staged segments are.
          { Effect: 'Allow', Action: 's3:DeleteObject', Resource: objectsUnder(bucket, '_staging') },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [bucket, 'Arn'] } },
        ]);
      },
    );

    it('lets the compaction worker read raw objects and ledgers, write only the compacted prefix and staging, delete only staging', () => {
      // Prepare
      const template = templateOf(payments);
      const bucket = resourceOf(template, 'AWS::S3::Bucket', 'LakeBucket').id;
      const statements = statementsOf(template, WORKER_POLICY);
      const resourcesFor = (action: string) =>
        statements.filter((statement) => actionsOf(statement).includes(action)).flatMap(resourcesOf);

      // Assess
      expect(resourcesFor('s3:GetObject')).toEqual(
        ['_ledger', '_staging', 'compacted', 'raw'].map((prefix) => objectsUnder(bucket, prefix)),
      );
      expect(resourcesFor('s3:PutObject')).toEqual(
        ['_staging', 'compacted'].map((prefix) => objectsUnder(bucket, prefix)),
      );
      expect(resourcesFor('s3:DeleteObject')).toEqual([objectsUnder(bucket, '_staging')]);
      expect(statements.flatMap(actionsOf).filter((action) => !action.startsWith('s3:'))).toEqual([]);
    });

    it('lets the compaction dispatcher list the ledgers and invoke the worker, and nothing else', () => {
      // Prepare
      const template = templateOf(payments);
      const bucket = resourceOf(template, 'AWS::S3::Bucket', 'LakeBucket').id;
      const worker = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsCompactionWorker').id;

      // Act
      const statements = statementsOf(template, DISPATCHER_POLICY);

      // Assess
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: { 'Fn::GetAtt': [bucket, 'Arn'] },
          Condition: { StringLike: { 's3:prefix': ['_ledger/*'] } },
        },
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: [
            { 'Fn::GetAtt': [worker, 'Arn'] },
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [worker, 'Arn'] }, ':*']] },
          ],
        },
      ]);
      const role = resourceOf(template, 'AWS::IAM::Role', 'FunctionsCompactionDispatcherServiceRole');
      expect(JSON.stringify(role.properties.ManagedPolicyArns)).not.toContain('MSK');
    });

    it('gives the seal timer no Kafka, secret or network permission', () => {
      // Act
      const actions = statementsOf(templateOf(telemetry), SEAL_POLICY).flatMap(actionsOf);

      // Assess
      expect(actions.every((action) => action.startsWith('s3:'))).toBe(true);
      const role = resourceOf(templateOf(payments), 'AWS::IAM::Role', 'FunctionsSealTimerServiceRole');
      expect(JSON.stringify(role.properties.ManagedPolicyArns)).not.toContain('MSK');
    });

    it('reads the MSK topic through IAM access control on this cluster, topic and group only', () => {
      // Act
      const kafkaStatements = statementsOf(templateOf(payments), INGEST_POLICY).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('kafka')),
      );

      // Assess
      const clusterPath = 'lake/abcd1234-ef56-7890-abcd-ef1234567890-1';
      expect(kafkaStatements.flatMap(resourcesOf)).toEqual(
        expect.arrayContaining([
          CLUSTER_ARN,
          `arn:aws:kafka:eu-west-1:123456789012:topic/${clusterPath}/payments`,
          `arn:aws:kafka:eu-west-1:123456789012:group/${clusterPath}/capture-payments`,
        ]),
      );
      expect(
        kafkaStatements.flatMap(resourcesOf).every((arn) => String(arn).startsWith('arn:aws:kafka:')),
      ).toBe(true);
      expect(kafkaStatements.flatMap(actionsOf)).toEqual(
        expect.arrayContaining([
          'kafka-cluster:Connect',
          'kafka-cluster:ReadData',
          'kafka-cluster:AlterGroup',
        ]),
      );
    });

    it('reads only the configured secret, and uses "*" only for the VPC network interfaces EC2 cannot scope', () => {
      // Act
      const statements = statementsOf(templateOf(telemetry), INGEST_POLICY);

      // Assess
      const secretStatements = statements.filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
      );
      expect(secretStatements.flatMap(resourcesOf)).toEqual([SECRET_ARN]);
      const unscoped = statements.filter((statement) => resourcesOf(statement).includes('*'));
      expect(unscoped.flatMap(actionsOf).every((action) => action.startsWith('ec2:'))).toBe(true);
      expect(unscoped.flatMap(actionsOf)).toEqual(
        expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
      );
      expect(
        statementsOf(templateOf(payments), INGEST_POLICY).some((s) => resourcesOf(s).includes('*')),
      ).toBe(false);
    });
  });

  describe('monitoring', () => {
    it('draws a dashboard named after the stack with every function and every capture metric', () => {
      // Prepare
      const template = templateOf(payments);
      const { properties } = resourceOf(template, 'AWS::CloudWatch::Dashboard', 'MonitoringDashboard');
      const functions = Object.keys(template.findResources('AWS::Lambda::Function'));

      // Act
      const body = JSON.stringify(properties.DashboardBody);

      // Assess
      expect(properties.DashboardName).toBe('capture-payments');
      expect(functions).toHaveLength(4);
      // Invocations, errors, duration and throttles of each.
      for (const fn of functions) expect(body.split(`{"Ref":"${fn}"}`).length - 1).toBeGreaterThanOrEqual(4);
      for (const metric of ['Invocations', 'Errors', 'Duration', 'Throttles', 'OffsetLag']) {
        expect(body).toContain(`\\"AWS/Lambda\\",\\"${metric}\\"`);
      }
      for (const metric of [
        'Records',
        'BytesIn',
        'BytesOut',
        'ObjectsSealed',
        'LateObjectsSealed',
        'DeadLetters',
        'LagMs',
        'CompactionGroups',
      ]) {
        expect(body).toContain(
          `\\"${METRICS_NAMESPACE}\\",\\"${metric}\\",\\"service\\",\\"capture-payments\\",\\"topic\\",\\"payments\\"`,
        );
      }
    });

    it('queries the figures of each partition from the invocation lines of ingestion and the seal timer', () => {
      // Prepare
      const template = templateOf(payments);
      const { properties } = resourceOf(template, 'AWS::CloudWatch::Dashboard', 'MonitoringDashboard');
      const logGroupId = (prefix: string) =>
        Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.startsWith(prefix));

      // Act
      const body = JSON.stringify(properties.DashboardBody);

      // Assess
      expect(body).toContain(
        String.raw`filter message = \\\"capture.invocation\\\"\\n| fields jsonParse(@message) as line\\n| unnest line.byPartition into p`,
      );
      for (const figure of [
        'records',
        'bytesIn',
        'bytesOut',
        'objectsSealed',
        'lateObjectsSealed',
        'deadLetters',
      ]) {
        expect(body).toContain(`sum(p.${figure}) as ${figure}`);
      }
      expect(body).toContain('max(p.lagMs) as maxLagMs by p.partition');
      expect(body).toContain('max(p.lagMs) as lagMs by bin(5m), p.partition');
      for (const prefix of ['FunctionsIngestLogs', 'FunctionsSealTimerLogs']) {
        expect(body).toContain(`{"Ref":"${logGroupId(prefix)}"}`);
      }
      for (const prefix of ['FunctionsCompactionDispatcherLogs', 'FunctionsCompactionWorkerLogs']) {
        expect(body).not.toContain(`{"Ref":"${logGroupId(prefix)}"}`);
      }
    });

    it('alarms on the offset lag of the config, persistent errors of every function and dead letters', () => {
      // Prepare
      const template = templateOf(payments);
      const ingest = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsIngest').id;
      const sealTimer = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsSealTimer').id;
      const alarmTopic = resourceOf(template, 'AWS::SNS::Topic', 'MonitoringAlarms').id;
      const notifies = { AlarmActions: [{ Ref: alarmTopic }] };

      // Assess
      template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
      for (const prefix of ['FunctionsCompactionDispatcher', 'FunctionsCompactionWorker']) {
        const compaction = resourceOf(template, 'AWS::Lambda::Function', prefix).id;
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: compaction } }],
          Period: 3600,
          EvaluationPeriods: 2,
          ...notifies,
        });
      }
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'OffsetLag',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ingest } }],
        Statistic: 'Maximum',
        Threshold: 5000,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        ...notifies,
      });
      for (const fn of [ingest, sealTimer]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
          Threshold: 1,
          EvaluationPeriods: 3,
          ...notifies,
        });
      }
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: METRICS_NAMESPACE,
        MetricName: 'DeadLetters',
        Dimensions: [
          { Name: 'service', Value: 'capture-payments' },
          { Name: 'topic', Value: 'payments' },
        ],
        Threshold: 1,
        ...notifies,
      });
    });

    it.each([payments, telemetry])('outputs the names an operator needs for $name and no secret', (topic) => {
      // Act
      const outputs = templateOf(topic).findOutputs('*');

      // Assess
      expect(Object.keys(outputs).sort()).toEqual([
        'AlarmTopicArn',
        'BucketName',
        'CompactionDispatcherFunctionName',
        'CompactionWorkerFunctionName',
        'DashboardName',
        'IngestFunctionName',
        'SealTimerFunctionName',
      ]);
      expect(JSON.stringify(outputs)).not.toMatch(/secretsmanager|kafka\.example\.com/);
    });
  });
});

describe('App entry: infra/aws/app.ts', () => {
  it('fails synth with the file, the topic and the field of a bad config', async () => {
    // Prepare
    const folder = await mkdtemp(join(tmpdir(), 'capture-cdk-'));
    const configPath = join(folder, 'bad.config.yaml');
    await writeFile(
      configPath,
      `topics:\n  - name: payments\n    source: kafka\n    platform: aws\n    consumerGroup: cg\n    aws:\n      msk: { clusterArn: "${CLUSTER_ARN}" }\n      batchSize: 20000\n`,
    );

    // Act
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'infra', 'aws', 'app.ts')], {
      env: { ...process.env, CAPTURE_CONFIG: configPath, CDK_OUTDIR: join(folder, 'cdk.out') },
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${configPath}: topic "payments" (topics[0]), field aws.batchSize:`);
  });
});
