import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../../../functions/aws/metricNames.js';
import { parseConfig } from '../../../../shared/config/load.js';
import { exampleStacks, resourceOf } from './stackFixtures.js';

describe('Class: TopicStack (functions)', () => {
  const { payments, telemetry, templateOf } = exampleStacks();

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
        const ledger = resourceOf(template, 'AWS::DynamoDB::GlobalTable', 'Ledger');
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
              CAPTURE_LEDGER_TABLE: { Ref: ledger.id },
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
});
