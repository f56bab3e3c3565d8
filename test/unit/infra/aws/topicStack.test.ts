import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  CLUSTER_ARN,
  DISPATCHER_POLICY,
  exampleStacks,
  INGEST_POLICY,
  objectsUnder,
  resourceOf,
  resourcesOf,
  SEAL_POLICY,
  SECRET_ARN,
  type Statement,
  statementsOf,
  WORKER_POLICY,
} from './stackFixtures.js';

describe('Class: TopicStack (permissions)', () => {
  const { payments, telemetry, templateOf } = exampleStacks();
  const ledgerTableOf = (template: ReturnType<typeof templateOf>) =>
    resourceOf(template, 'AWS::DynamoDB::GlobalTable', 'Ledger').id;

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
      expect(statements.flatMap(actionsOf).filter((action) => !action.startsWith('s3:'))).toEqual([
        'dynamodb:GetItem',
        'dynamodb:Query',
      ]);
      expect(resourcesFor('dynamodb:GetItem')).toEqual([{ 'Fn::GetAtt': [ledgerTableOf(template), 'Arn'] }]);
    });

    it.each([
      [INGEST_POLICY, ['dynamodb:GetItem', 'dynamodb:PutItem']],
      [SEAL_POLICY, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']],
    ])('lets %s use the ledger table for %j, and nothing more of DynamoDB', (policy, actions) => {
      // Prepare
      const template = templateOf(payments);

      // Act
      const statements = statementsOf(template, policy).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
      );

      // Assess
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: actions,
          Resource: { 'Fn::GetAtt': [ledgerTableOf(template), 'Arn'] },
        },
      ]);
    });

    it('keeps the ledger in an on-demand table keyed by topic and partition, kept when the stack goes', () => {
      // Prepare
      const template = templateOf(payments);

      // Act
      const table = resourceOf(template, 'AWS::DynamoDB::GlobalTable', 'Ledger');

      // Assess
      expect(table.properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [expect.objectContaining({ DeletionProtectionEnabled: true })],
        KeySchema: [
          { AttributeName: 'topic', KeyType: 'HASH' },
          { AttributeName: 'partition', KeyType: 'RANGE' },
        ],
      });
      expect(template.toJSON().Resources[table.id].DeletionPolicy).toBe('Retain');
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
          Action: 'dynamodb:Query',
          Resource: { 'Fn::GetAtt': [ledgerTableOf(template), 'Arn'] },
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
      expect(actions.every((action) => action.startsWith('s3:') || action.startsWith('dynamodb:'))).toBe(
        true,
      );
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
});
