import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addCaptureStacks } from '../../../infra/aws/captureApp.js';
import { awsSettingsSchema } from '../../../shared/config/awsSchema.js';
import { azureSettingsSchema } from '../../../shared/config/azureSchema.js';
import { parseConfig } from '../../../shared/config/load.js';
import { topicSchema } from '../../../shared/config/schema.js';
import type { Platform } from '../../platforms/kafka/triggerFunctions.js';
import type { DeploymentShape } from './dailyBill.js';

const CDK_JSON = fileURLToPath(new URL('../../../cdk.json', import.meta.url));
const AWS_SOURCE = {
  selfManagedKafka: {
    bootstrapServers: ['broker.example.com:9096'],
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bill-AbCdEf',
  },
};
/** The stack with its dashboard asked for, so the bill can price the lever that leaves it out. */
const AWS_WITH_DASHBOARD = { ...AWS_SOURCE, dashboard: true };

/**
 * What a topic is deployed with when its config sets nothing: function memory from the schemas'
 * defaults, and on AWS the alarms its stack creates and the dashboard it creates when asked
 * (`aws.dashboard`), counted in the synthesized template (bundling skipped: it changes no resource).
 */
export function deploymentShape(platform: Platform): DeploymentShape {
  const partitionsPerCompactionGroup = topicSchema.parse({ name: 'bill', source: 'kafka' }).compaction
    .partitionsPerGroup;
  if (platform === 'azure') {
    const memory = azureSettingsSchema.parse({}).instanceMemoryMB;
    return {
      platform,
      memoryMb: { ingest: memory, timer: memory, compaction: memory },
      partitionsPerCompactionGroup,
      alarmsPerTopic: 0,
      dashboardsPerTopic: 0,
    };
  }
  const settings = awsSettingsSchema.parse(AWS_SOURCE);
  const app = new App({
    context: { ...JSON.parse(readFileSync(CDK_JSON, 'utf8')).context, 'aws:cdk:bundling-stacks': [] },
  });
  const config = parseConfig(
    {
      topics: [
        {
          name: 'bill',
          source: 'kafka',
          platform: 'aws',
          consumerGroup: 'capture-bill',
          aws: AWS_WITH_DASHBOARD,
        },
      ],
    },
    'the bill’s topic',
  );
  const [stack] = addCaptureStacks(app, config, 'the bill’s topic');
  if (!stack) throw new Error('no AWS stack synthesized');
  const template = Template.fromStack(stack);
  const count = (type: string) => Object.keys(template.findResources(type)).length;
  return {
    platform,
    memoryMb: {
      ingest: settings.memoryMiB,
      timer: settings.memoryMiB,
      compaction: settings.compactionMemoryMiB,
    },
    partitionsPerCompactionGroup,
    alarmsPerTopic: count('AWS::CloudWatch::Alarm'),
    dashboardsPerTopic: count('AWS::CloudWatch::Dashboard'),
  };
}
