import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addCaptureStacks } from '../../../../infra/aws/captureApp.js';
import { parseConfig } from '../../../../shared/config/load.js';
import type { CaptureConfig, TopicConfig, TopicConfigInput } from '../../../../shared/config/schema.js';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CONFIG_SOURCE = 'test.config.yaml';

export const CLUSTER_ARN =
  'arn:aws:kafka:eu-west-1:123456789012:cluster/lake/abcd1234-ef56-7890-abcd-ef1234567890-1';
export const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:telemetry-kafka-AbCdEf';

/**
 * An MSK topic signing in with the function's role, every batching setting away from its default,
 * with a dashboard (off by default).
 */
export const mskTopic = (overrides: Partial<TopicConfigInput> = {}): TopicConfigInput => ({
  name: 'payments',
  source: 'kafka',
  platform: 'aws',
  consumerGroup: 'capture-payments',
  compression: 'zstd',
  aws: {
    msk: { clusterArn: CLUSTER_ARN },
    batchSize: 2000,
    maxBatchingWindowSeconds: 10,
    startingPosition: 'LATEST',
    memoryMiB: 1536,
    timeoutSeconds: 120,
    rawRetentionDays: 90,
    stagingRetentionDays: 7,
    offsetLagAlarm: 5000,
    dashboard: true,
  },
  ...overrides,
});

/** A self-managed cluster behind a VPC with two subnets and two security groups, defaults elsewhere. */
export const selfManagedTopic = (overrides: Partial<TopicConfigInput> = {}): TopicConfigInput => ({
  name: 'telemetry',
  source: 'kafka',
  platform: 'aws',
  consumerGroup: 'capture-telemetry',
  aws: {
    selfManagedKafka: {
      bootstrapServers: ['b-1.kafka.example.com:9096', 'b-2.kafka.example.com:9096'],
      secretArn: SECRET_ARN,
      vpc: {
        vpcId: 'vpc-0a1b2c3d',
        subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
        securityGroupIds: ['sg-0a1b2c3d', 'sg-4e5f6a7b'],
      },
    },
  },
  ...overrides,
});

export const configOf = (...topics: TopicConfigInput[]): CaptureConfig =>
  parseConfig({ topics }, CONFIG_SOURCE);

/** The feature flags `cdk synth` runs with, so the tests check the templates the CLI produces. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context;
}

/**
 * Synthesizes the stacks of a config, keyed by stack name. Bundling is skipped (an empty
 * `aws:cdk:bundling-stacks`): the templates are the same, and esbuild runs only in the bundle test.
 */
export function synthesizeStacks(config: CaptureConfig, props: AppProps = {}): Map<string, Template> {
  const app = new App({
    ...props,
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...props.context },
  });
  const stacks = addCaptureStacks(app, config, CONFIG_SOURCE);
  return new Map(stacks.map((stack) => [stack.stackName, Template.fromStack(stack)]));
}

/** The one resource of a type whose logical id starts with `prefix` (ids follow the construct path). */
export function resourceOf(
  template: Template,
  type: string,
  prefix: string,
): { id: string; properties: Record<string, unknown>; resource: Record<string, unknown> } {
  const matches = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} starting with ${prefix}, found ${matches.length}`);
  }
  const [id, resource] = matches[0] as [string, Record<string, unknown>];
  return { id, resource, properties: (resource.Properties ?? {}) as Record<string, unknown> };
}

/** `arn:…:s3:::<bucket>/<prefix>/*` as CloudFormation writes it for the stack's bucket. */
export const objectsUnder = (bucketId: string, prefix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}/*`]],
});

export type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

export const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
export const resourcesOf = (statement: Statement) =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

export function statementsOf(template: Template, policyPrefix: string): Statement[] {
  const { properties } = resourceOf(template, 'AWS::IAM::Policy', policyPrefix);
  return (properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

export const INGEST_POLICY = 'FunctionsIngestServiceRoleDefaultPolicy';
export const SEAL_POLICY = 'FunctionsSealTimerServiceRoleDefaultPolicy';
export const WORKER_POLICY = 'FunctionsCompactionWorkerServiceRoleDefaultPolicy';
export const DISPATCHER_POLICY = 'FunctionsCompactionDispatcherServiceRoleDefaultPolicy';

/** The two example topics (MSK, self-managed) synthesized once per test file that asks. */
export function exampleStacks(): {
  payments: TopicConfig;
  telemetry: TopicConfig;
  templateOf: (topic: TopicConfig) => Template;
} {
  const payments = parseConfig({ topics: [mskTopic()] }, CONFIG_SOURCE).topics[0] as TopicConfig;
  const telemetry = parseConfig({ topics: [selfManagedTopic()] }, CONFIG_SOURCE).topics[0] as TopicConfig;
  let stacks: Map<string, Template> | undefined;
  return {
    payments,
    telemetry,
    templateOf: (topic) => {
      stacks ??= synthesizeStacks(configOf(mskTopic(), selfManagedTopic()));
      return stacks.get(`capture-${topic.name}`) as Template;
    },
  };
}
