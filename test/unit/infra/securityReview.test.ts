import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_ARN,
  configOf,
  mskTopic,
  ROOT,
  selfManagedTopic,
  synthesizeStacks,
} from './aws/stackFixtures.js';
import { appSettingNames } from './azure/bicepChecks.js';
import { type BicepFile, parseBicep, readBicepFile } from './azure/bicepScanner.js';
import {
  actionsOf,
  type CloudFormationTemplate,
  type DataPlaneRole,
  findConnectionStringSettings,
  findDynamoScopeProblems,
  findForeignInvocations,
  findForeignPrincipals,
  findGlueScopeProblems,
  findKeyMaterial,
  findManagedPolicyProblems,
  findOpenPrincipals,
  findRoleProblems,
  findS3ScopeProblems,
  findSecretScopeProblems,
  findUnscopedResources,
  findWildcardActions,
  type ManagedPolicyRule,
  policyStatements,
} from './securityRules.js';

/**
 * Issue 8, security: a minimal IAM and RBAC review of what the product deploys, stated as rules over
 * every policy statement of every synthesized stack and every role assignment of the Bicep
 * templates. awsStacks.test.ts and azureBicep.test.ts pin each function's exact grants (and there a
 * role assignment's scope being a resource, not a group or subscription, and its principal type);
 * this file says what no grant may ever be, so a grant added later is held to it too. Each rule is
 * shown failing on a mutated copy of the real template.
 */

// ---------------------------------------------------------------------------------------------
// AWS
// ---------------------------------------------------------------------------------------------

const secret = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Every way a topic reaches its Kafka source, so every conditional grant is in some stack. */
const TOPICS = {
  /**
   * MSK with IAM access control: kafka-cluster permissions, the MSK execution role; a Glue Schema
   * Registry, and an Iceberg table in the Glue Data Catalog, so Glue grants of both kinds meet.
   */
  'capture-payments': {
    topic: mskTopic({
      jsonl: { envelope: true },
      registry: { kind: 'glue', registryName: 'payments-registry' },
      compaction: { table: 'iceberg' },
    }),
    secrets: [],
    keys: [],
    registries: ['payments-registry'],
    tables: [{ database: 'capture_payments', table: 'payments' }],
  },
  /** MSK with SASL/SCRAM: a secret and the customer-managed key that encrypts it. */
  'capture-refunds': {
    topic: mskTopic({
      name: 'refunds',
      consumerGroup: 'capture-refunds',
      aws: {
        msk: { clusterArn: CLUSTER_ARN, secretArn: secret('AmazonMSK_refunds'), secretKmsKeyArn: KMS_KEY },
      },
    }),
    secrets: [secret('AmazonMSK_refunds')],
    keys: [KMS_KEY],
    registries: [],
    tables: [],
  },
  /** Self-managed brokers in a VPC with mutual TLS and a private root CA: network interfaces, two secrets. */
  'capture-telemetry': {
    topic: selfManagedTopic({
      aws: {
        selfManagedKafka: {
          bootstrapServers: ['b-1.kafka.example.com:9096'],
          authentication: 'mtls',
          secretArn: secret('telemetry-client'),
          rootCaSecretArn: secret('telemetry-root-ca'),
          vpc: { vpcId: 'vpc-0a1b2c3d', subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
        },
      },
      registry: {
        kind: 'confluent',
        url: 'https://psrc-123.eu-west-1.aws.confluent.cloud',
        credentials: { secretArn: secret('telemetry-registry') },
      },
    }),
    /** The Kafka client certificate, its root CA, and the schema registry's credentials. */
    secrets: [secret('telemetry-client'), secret('telemetry-root-ca'), secret('telemetry-registry')],
    keys: [],
    registries: [],
    tables: [],
  },
} as const;
type StackName = keyof typeof TOPICS;

/**
 * The actions AWS authorizes on `"*"` only, and why a stack may grant them. Lambda needs them to
 * place a self-managed Kafka event source in the brokers' VPC (docs.aws.amazon.com/lambda, "Lambda
 * execution role permissions for Apache Kafka"): EC2's Describe actions have no resource-level
 * permissions, and the network interfaces are created at run time in subnets the stack only names.
 */
const UNSCOPABLE_ACTIONS: Readonly<Record<string, string>> = {
  'ec2:CreateNetworkInterface': "the mapping's interfaces get their ids only when it creates them",
  'ec2:DeleteNetworkInterface': 'and it deletes them when it scales in',
  'ec2:DescribeNetworkInterfaces': 'Describe actions take no resource',
  'ec2:DescribeSecurityGroups': 'Describe actions take no resource',
  'ec2:DescribeSubnets': 'Describe actions take no resource',
  'ec2:DescribeVpcs': 'Describe actions take no resource',
};

/** The AWS managed policies a role may carry, and why. */
const MANAGED_POLICIES: Readonly<Record<string, ManagedPolicyRule>> = {
  AWSLambdaBasicExecutionRole: { reason: "writes the function's own log streams", roles: 'any' },
  AWSLambdaMSKExecutionRole: {
    reason:
      'the MSK event source mapping describes the cluster and reaches it through network interfaces in its VPC; the mapping runs as the ingestion role',
    roles: ['FunctionsIngestServiceRole'],
  },
};

/** The lake's prefixes (shared/layouts, shared/compaction): every object the functions touch is under one. */
const LAKE_PREFIXES = ['raw', 'deadletter', 'compacted', '_staging', '_ledger', '_schemas'];
/**
 * Only staged segments are deleted, once their object is visible, and an Iceberg table's metadata
 * files that its maintenance found unreferenced.
 */
const DELETABLE_PREFIXES = ['_staging', 'compacted/<table>/metadata'];

describe('Security review: IAM of the CDK stacks', () => {
  let stacks: Map<string, CloudFormationTemplate>;

  beforeAll(() => {
    const synthesized = synthesizeStacks(configOf(...Object.values(TOPICS).map(({ topic }) => topic)));
    stacks = new Map(
      [...synthesized].map(([name, template]) => [name, template.toJSON() as CloudFormationTemplate]),
    );
  });

  const stackNames = Object.keys(TOPICS) as StackName[];
  const templateOf = (name: StackName) => stacks.get(name) as CloudFormationTemplate;
  const lakeBucketOf = (template: CloudFormationTemplate) =>
    Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::S3::Bucket')?.[0];
  const ledgerTableOf = (template: CloudFormationTemplate) =>
    `${Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::DynamoDB::GlobalTable')?.[0]}.Arn`;
  const lakeOf = (template: CloudFormationTemplate) => ({
    bucketArn: `${lakeBucketOf(template)}.Arn`,
    prefixes: LAKE_PREFIXES,
    deletablePrefixes: DELETABLE_PREFIXES,
  });

  /** Every rule over one template: the problems, each naming the rule's statement. */
  function review(name: StackName, template: CloudFormationTemplate): string[] {
    const statements = policyStatements(template);
    const { secrets, keys, registries, tables } = TOPICS[name];
    return [
      ...findWildcardActions(statements),
      ...findUnscopedResources(statements, UNSCOPABLE_ACTIONS),
      ...findS3ScopeProblems(statements, lakeOf(template)),
      ...findDynamoScopeProblems(statements, ledgerTableOf(template)),
      ...findOpenPrincipals(template, statements),
      ...findSecretScopeProblems(statements, { secrets, keys }),
      ...findGlueScopeProblems(statements, { registries, tables }),
      ...findForeignInvocations(template, statements),
      ...findManagedPolicyProblems(template, MANAGED_POLICIES),
    ];
  }

  it.each(stackNames)('finds every grant of %s within the rules', (name) => {
    // Prepare
    const template = templateOf(name);

    // Act
    const problems = review(name, template);

    // Assess: the review saw the grants it judges, then found nothing wrong with them.
    expect(policyStatements(template).length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it('reviews every kind of grant the stacks make: secrets, keys, network interfaces, invocations and Glue', () => {
    // Act
    const actions = new Set(
      stackNames.flatMap((name) =>
        policyStatements(templateOf(name)).flatMap(({ statement }) => actionsOf(statement)),
      ),
    );

    // Assess
    for (const action of [
      'secretsmanager:GetSecretValue',
      'kms:Decrypt',
      'ec2:CreateNetworkInterface',
      'lambda:InvokeFunction',
      's3:DeleteObject',
      'dynamodb:PutItem',
      'kafka-cluster:ReadData',
      'glue:GetSchemaVersion',
      'glue:GetTable',
      'glue:UpdateTable',
    ]) {
      expect(actions).toContain(action);
    }
  });

  /** A statement added to a role's policy of `name` (the ingestion role's unless named), as a careless change would add it. */
  function withIngestStatement(
    name: StackName,
    statement: Record<string, unknown>,
    policy = 'FunctionsIngestServiceRoleDefaultPolicy',
  ): CloudFormationTemplate {
    const template = structuredClone(templateOf(name));
    const id = Object.keys(template.Resources).find((candidate) => candidate.startsWith(policy));
    const document = template.Resources[id ?? '']?.Properties?.PolicyDocument as { Statement: unknown[] };
    document.Statement.push(statement);
    return template;
  }
  /** The managed policy list of the role whose logical id starts with `prefix`. */
  function managedPoliciesOf(template: CloudFormationTemplate, prefix: string): unknown[] {
    const [, role] = Object.entries(template.Resources).find(([id]) => id.startsWith(prefix)) ?? [];
    return (role?.Properties?.ManagedPolicyArns ?? []) as unknown[];
  }
  const bucketObjects = (template: CloudFormationTemplate, suffix: string) => ({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [lakeBucketOf(template), 'Arn'] }, suffix]],
  });

  it.each([
    [
      'a wildcard action',
      () => ({ Effect: 'Allow', Action: 'kms:*', Resource: KMS_KEY }),
      /wildcard action kms:\*/,
    ],
    [
      'a scopable action on every resource',
      () => ({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }),
      /sqs:SendMessage on every resource/,
    ],
    [
      'object access to the whole bucket',
      (template: CloudFormationTemplate) => ({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: bucketObjects(template, '/*'),
      }),
      /s3:GetObject on LakeBucket\w*\.Arn\/\*, not under one of the lake's prefixes/,
    ],
    [
      'a delete of visible objects',
      (template: CloudFormationTemplate) => ({
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: bucketObjects(template, '/raw/*'),
      }),
      /s3:DeleteObject on .*\/raw\/\*, where objects are visible/,
    ],
    [
      "a delete of a table's data files",
      (template: CloudFormationTemplate) => ({
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: bucketObjects(template, '/compacted/refunds/*'),
      }),
      /s3:DeleteObject on .*\/compacted\/refunds\/\*, where objects are visible/,
    ],
    [
      'a delete of ledger items',
      (template: CloudFormationTemplate) => ({
        Effect: 'Allow',
        Action: 'dynamodb:DeleteItem',
        Resource: { 'Fn::GetAtt': [ledgerTableOf(template).replace(/\.Arn$/, ''), 'Arn'] },
      }),
      /allows dynamodb:DeleteItem; a function only reads, writes and lists ledger items/,
    ],
    [
      'a table other than its ledger',
      () => ({
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/other',
      }),
      /dynamodb:PutItem on arn:aws:dynamodb:eu-west-1:123456789012:table\/other, not the stack's ledger table/,
    ],
    [
      'a secret the config does not name',
      () => ({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secret('other') }),
      /secretsmanager:\* on .*secret:other-AbCdEf, which the config does not name/,
    ],
    [
      'a key the config does not name',
      () => ({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KMS_KEY.replace('1234abcd', '9999abcd') }),
      /kms:\* on .*9999abcd/,
    ],
    [
      'another function to invoke',
      () => ({
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:other',
      }),
      /invokes arn:aws:lambda:eu-west-1:123456789012:function:other, not a function of this stack/,
    ],
  ] as const)('fails when the ingestion role is given %s', (_case, statementFor, problem) => {
    // Prepare
    const template = withIngestStatement('capture-refunds', statementFor(templateOf('capture-refunds')));

    // Act
    const problems = review('capture-refunds', template);

    // Assess
    expect(problems).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    [
      'a Glue action beyond reading schema versions',
      () => ({
        Effect: 'Allow',
        Action: 'glue:DeleteSchema',
        Resource: 'arn:aws:glue:eu-west-1:123456789012:registry/payments-registry',
      }),
      /allows glue:DeleteSchema; a function only reads schema versions/,
    ],
    [
      'a table action on its registry',
      () => ({
        Effect: 'Allow',
        Action: 'glue:GetTable',
        Resource: 'arn:aws:glue:eu-west-1:123456789012:registry/payments-registry',
      }),
      /glue:GetTable on .*registry\/payments-registry, not the topic's Iceberg table/,
    ],
    [
      'schema versions of another registry',
      () => ({
        Effect: 'Allow',
        Action: 'glue:GetSchemaVersion',
        Resource: 'arn:aws:glue:eu-west-1:123456789012:schema/other/*',
      }),
      /glue:GetSchemaVersion on .*schema\/other\/\*, not the registry the config names/,
    ],
  ] as const)("fails when the Glue topic's ingestion role is given %s", (_case, statementFor, problem) => {
    // Prepare
    const template = withIngestStatement('capture-payments', statementFor());

    // Act
    const problems = review('capture-payments', template);

    // Assess
    expect(problems).toEqual([expect.stringMatching(problem)]);
  });

  /** A Data Catalog ARN of the stack's account and region, as the stack renders one. */
  const catalogArn = (resource: string) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':glue:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${resource}`,
      ],
    ],
  });

  it.each([
    [
      'a Glue action beyond reading and updating its table',
      () => ({
        Effect: 'Allow',
        Action: 'glue:DeleteTable',
        Resource: catalogArn('table/capture_payments/payments'),
      }),
      /allows glue:DeleteTable; a function only reads schema versions, and reads and updates its Iceberg table/,
    ],
    [
      'every table of its database',
      () => ({
        Effect: 'Allow',
        Action: 'glue:UpdateTable',
        Resource: catalogArn('table/capture_payments/*'),
      }),
      /glue:UpdateTable on .*:table\/capture_payments\/\*, not the topic's Iceberg table/,
    ],
    [
      "another topic's table",
      () => ({
        Effect: 'Allow',
        Action: 'glue:GetTable',
        Resource: catalogArn('table/capture_refunds/refunds'),
      }),
      /glue:GetTable on .*:table\/capture_refunds\/refunds, not the topic's Iceberg table/,
    ],
    [
      "another account's catalog",
      () => ({
        Effect: 'Allow',
        Action: 'glue:GetTable',
        Resource: 'arn:aws:glue:eu-west-1:210987654321:catalog',
      }),
      /glue:GetTable on arn:aws:glue:eu-west-1:210987654321:catalog, not the topic's Iceberg table/,
    ],
    [
      'a schema action on its table',
      () => ({
        Effect: 'Allow',
        Action: 'glue:GetSchemaVersion',
        Resource: catalogArn('table/capture_payments/payments'),
      }),
      /glue:GetSchemaVersion on .*:table\/capture_payments\/payments, not the registry the config names/,
    ],
  ] as const)(
    "fails when the Iceberg topic's compaction worker is given %s",
    (_case, statementFor, problem) => {
      // Prepare
      const template = withIngestStatement(
        'capture-payments',
        statementFor(),
        'FunctionsCompactionWorkerServiceRoleDefaultPolicy',
      );

      // Act
      const problems = review('capture-payments', template);

      // Assess
      expect(problems).toEqual([expect.stringMatching(problem)]);
    },
  );

  it.each([
    [
      'a bucket policy open to everyone',
      (template: CloudFormationTemplate) => {
        const policy = Object.values(template.Resources).find((r) => r.Type === 'AWS::S3::BucketPolicy');
        const document = policy?.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] };
        document.Statement.push({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject' });
      },
      /allows any principal/,
    ],
    [
      'a role any account may assume',
      (template: CloudFormationTemplate) => {
        const role = Object.values(template.Resources).find((r) => r.Type === 'AWS::IAM::Role');
        const trust = role?.Properties?.AssumeRolePolicyDocument as { Statement: Record<string, unknown>[] };
        trust.Statement.push({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' } });
      },
      /lets .*210987654321.* assume the role, not Lambda alone/,
    ],
    [
      'a schedule permission without its source',
      (template: CloudFormationTemplate) => {
        const permission = Object.values(template.Resources).find(
          (r) => r.Type === 'AWS::Lambda::Permission',
        );
        delete permission?.Properties?.SourceArn;
      },
      /lets events\.amazonaws\.com invoke the function without a SourceArn/,
    ],
    [
      'the MSK execution role on the seal timer',
      (template: CloudFormationTemplate) => {
        managedPoliciesOf(template, 'FunctionsSealTimerServiceRole').push(
          'arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole',
        );
      },
      /FunctionsSealTimerServiceRole\w*: carries AWSLambdaMSKExecutionRole, meant for FunctionsIngestServiceRole only/,
    ],
    [
      'an administrator policy',
      (template: CloudFormationTemplate) => {
        managedPoliciesOf(template, 'FunctionsCompactionWorkerServiceRole').push(
          'arn:aws:iam::aws:policy/AdministratorAccess',
        );
      },
      /carries the managed policy AdministratorAccess, which the review does not allow/,
    ],
  ] as const)('fails when the stack gets %s', (_case, mutate, problem) => {
    // Prepare
    const template = structuredClone(templateOf('capture-payments'));
    mutate(template);

    // Act
    const problems = review('capture-payments', template);

    // Assess
    expect(problems).toEqual([expect.stringMatching(problem)]);
  });
});

// ---------------------------------------------------------------------------------------------
// Azure
// ---------------------------------------------------------------------------------------------

const AZURE_INFRA = join(ROOT, 'infra', 'azure');

/**
 * The built-in roles the app may hold (learn.microsoft.com, "Azure built-in roles"), each granting data
 * actions and no management of resources or access, and the one resource each is for: the host's
 * account, the lake's, the hub, the secret, the telemetry component.
 */
const DATA_PLANE_ROLES: Readonly<Record<string, DataPlaneRole>> = {
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': {
    name: 'Storage Blob Data Owner',
    why: 'the Functions host keeps its leases and package in its own account and creates containers there',
    scopes: ['hostStorage'],
  },
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': {
    name: 'Storage Blob Data Contributor',
    why: 'stage, seal and clean lake objects',
    scopes: ['lakeStorage'],
  },
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': {
    name: 'Storage Table Data Contributor',
    why: 'the ledger',
    scopes: ['lakeStorage'],
  },
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': {
    name: 'Storage Queue Data Contributor',
    why: 'the compaction queue',
    scopes: ['lakeStorage'],
  },
  'a638d3c7-ab3a-418d-83e6-5f17a39d4fde': {
    name: 'Azure Event Hubs Data Receiver',
    why: 'the trigger reads its hub',
    scopes: ['eventHub'],
  },
  '2c56ea50-c6b3-40a6-83c0-9d98858bc7d2': {
    name: 'Schema Registry Reader',
    why: "the writer schemas of an Azure Schema Registry topic's events",
    scopes: ['namespace'],
  },
  '4633458b-17de-408a-b874-0445c86b69e6': {
    name: 'Key Vault Secrets User',
    why: 'the Kafka password app setting resolves its secret',
    scopes: ['secret'],
  },
  '3913510d-42f4-4e42-8a64-420c390055eb': {
    name: 'Monitoring Metrics Publisher',
    why: 'telemetry sent with Entra ID, local authentication being off',
    scopes: ['appInsights'],
  },
};

async function azureTemplates(): Promise<{ main: BicepFile; modules: BicepFile[] }> {
  const names = (await readdir(join(AZURE_INFRA, 'modules'))).filter((name) => name.endsWith('.bicep'));
  const [main, ...modules] = await Promise.all(
    ['main.bicep', ...names.map((name) => `modules/${name}`)].map((path) => readBicepFile(AZURE_INFRA, path)),
  );
  return { main: main as BicepFile, modules };
}

/** Every rule over the templates: the problems, each naming its file and statement. */
function reviewAzure({ main, modules }: { main: BicepFile; modules: BicepFile[] }): string[] {
  const files = [main, ...modules];
  return [
    ...files.flatMap((file) => findRoleProblems(file, DATA_PLANE_ROLES)),
    ...findForeignPrincipals(main, modules),
    ...files.flatMap(findKeyMaterial),
    ...findConnectionStringSettings(appSettingNames(main), modules),
  ];
}

describe('Security review: RBAC of the Bicep templates', () => {
  it('finds every role assignment and app setting within the rules', async () => {
    // Prepare
    const templates = await azureTemplates();

    // Act
    const problems = reviewAzure(templates);

    // Assess: the review saw assignments in main and in modules, then found nothing wrong.
    const assignments = [templates.main, ...templates.modules].map(
      (file) => file.resources.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments').length,
    );
    expect(assignments[0]).toBeGreaterThan(0);
    expect(assignments.slice(1).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  /** The templates with `from` replaced by `to` in the file at `path`, as a careless edit would. */
  async function mutated(path: string, from: string | RegExp, to: string) {
    const templates = await azureTemplates();
    const text = await readFile(join(AZURE_INFRA, path), 'utf8');
    const changed = text.replace(from, to);
    if (changed === text) throw new Error(`${path} has no ${from}: the mutation would prove nothing`);
    const reparsed = parseBicep(changed, path);
    return {
      main: path === 'main.bicep' ? reparsed : templates.main,
      modules: templates.modules.map((module) => (module.path === path ? reparsed : module)),
    };
  }

  it.each([
    [
      'an Owner assignment',
      'main.bicep',
      "var storageBlobDataContributorRole = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'",
      "var storageBlobDataContributorRole = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'",
      /lakeBlobContributor assigns Owner, a management role/,
    ],
    [
      'a Contributor assignment in a module',
      'modules/eventHubAccess.bicep',
      "var eventHubsDataReceiverRole = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'",
      "var eventHubsDataReceiverRole = 'b24988ac-6180-42a0-ab88-20f7382dd24c'",
      /receiver assigns Contributor, a management role/,
    ],
    [
      "the host's Blob Data Owner on the lake",
      'main.bicep',
      /(resource hostBlobOwner[\s\S]*?scope: )hostStorage/,
      '$1lakeStorage',
      /hostBlobOwner assigns Storage Blob Data Owner on lakeStorage, meant for hostStorage only/,
    ],
    [
      'a role granted to another principal',
      'main.bicep',
      /(resource ledgerTableContributor[\s\S]*?principalId: )app\.identity\.principalId/,
      "$1'00000000-0000-0000-0000-000000000000'",
      /ledgerTableContributor is granted to '00000000-0000-0000-0000-000000000000', not app\.identity\.principalId/,
    ],
    [
      'a module given another principal',
      'main.bicep',
      /(module eventHubAccess[\s\S]*?principalId: )app\.identity\.principalId/,
      '$1deployer().objectId',
      /module eventHubAccess passes principalId deployer\(\)\.objectId/,
    ],
    [
      'the schema reader on the whole resource group',
      'modules/schemaRegistryAccess.bicep',
      /(resource schemaReader[\s\S]*?scope: )namespace/,
      '$1resourceGroup()',
      /schemaReader assigns Schema Registry Reader on resourceGroup\(\), meant for namespace only/,
    ],
    [
      'a key listed into an app setting',
      'main.bicep',
      'value: lakeStorage.properties.primaryEndpoints.table',
      'value: lakeStorage.listKeys().keys[0].value',
      /var commonSettings calls listKeys\(\)/,
    ],
    [
      'a connection string written into an app setting',
      'main.bicep',
      "value: 'managedidentity'",
      "value: 'DefaultEndpointsProtocol=https;AccountName=sthost;AccountKey=c2VjcmV0'",
      /var commonSettings writes AccountKey=/,
    ],
    [
      'Application Insights accepting local authentication',
      'modules/monitoring.bicep',
      'DisableLocalAuth: true',
      'DisableLocalAuth: false',
      /APPLICATIONINSIGHTS_CONNECTION_STRING' while Application Insights accepts local authentication/,
    ],
  ])('fails on %s', async (_case, path, from, to, problem) => {
    // Prepare
    const templates = await mutated(path, from, to);

    // Act
    const problems = reviewAzure(templates);

    // Assess
    expect(problems).toEqual([expect.stringMatching(problem)]);
  });
});
