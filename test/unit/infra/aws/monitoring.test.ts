import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../../../functions/aws/metricNames.js';
import { COMPACTION_BACKLOG_ALARM_HOURS } from '../../../../infra/aws/monitoring.js';
import { exampleStacks, resourceOf } from './stackFixtures.js';

describe('Class: TopicStack (monitoring)', () => {
  const { payments, telemetry, templateOf } = exampleStacks();

  describe('monitoring', () => {
    it('draws a dashboard named after the stack with every function and every capture metric when aws.dashboard is true', () => {
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
        'CompactionHoursBehind',
        'CompactionObjectsPending',
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

    it('alarms on the offset lag of the config, persistent errors of every function, dead letters, what needs an operator and a compaction backlog', () => {
      // Prepare
      const template = templateOf(payments);
      const ingest = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsIngest').id;
      const sealTimer = resourceOf(template, 'AWS::Lambda::Function', 'FunctionsSealTimer').id;
      const alarmTopic = resourceOf(template, 'AWS::SNS::Topic', 'MonitoringAlarms').id;
      const notifies = { AlarmActions: [{ Ref: alarmTopic }] };

      // Assess
      template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
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
      for (const metric of ['DeadLetters', 'PositionRestarts', 'OperatorHolds', 'LedgersLost']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: METRICS_NAMESPACE,
          MetricName: metric,
          Dimensions: [
            { Name: 'service', Value: 'capture-payments' },
            { Name: 'topic', Value: 'payments' },
          ],
          Threshold: 1,
          EvaluationPeriods: 1,
          ...notifies,
        });
      }
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: METRICS_NAMESPACE,
        MetricName: 'CompactionHoursBehind',
        Dimensions: [
          { Name: 'service', Value: 'capture-payments' },
          { Name: 'topic', Value: 'payments' },
        ],
        Statistic: 'Maximum',
        Period: 3600,
        Threshold: COMPACTION_BACKLOG_ALARM_HOURS,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        ...notifies,
      });
    });

    it('draws no dashboard without aws.dashboard, and still every alarm on the alarm topic', () => {
      // Prepare
      const withDashboard = templateOf(payments);
      const alarmIds = (template: Template) =>
        Object.keys(template.findResources('AWS::CloudWatch::Alarm')).sort();

      // Act
      const template = templateOf(telemetry);

      // Assess
      expect(telemetry.aws?.dashboard).toBe(false);
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
      expect(Object.keys(template.findOutputs('DashboardName'))).toEqual([]);
      template.resourceCountIs('AWS::SNS::Topic', 1);
      const alarmTopic = resourceOf(template, 'AWS::SNS::Topic', 'MonitoringAlarms').id;
      expect(alarmIds(template)).toEqual(alarmIds(withDashboard));
      expect(alarmIds(template)).toHaveLength(10);
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: alarmTopic }]);
      }
    });

    it.each([
      { topic: payments, dashboard: ['DashboardName'] },
      { topic: telemetry, dashboard: [] },
    ])('outputs the names an operator needs for $topic.name and no secret', ({ topic, dashboard }) => {
      // Act
      const outputs = templateOf(topic).findOutputs('*');

      // Assess
      expect(Object.keys(outputs).sort()).toEqual([
        'AlarmTopicArn',
        'BucketName',
        'CompactionDispatcherFunctionName',
        'CompactionWorkerFunctionName',
        ...dashboard,
        'IngestFunctionName',
        'LedgerTableName',
        'SealTimerFunctionName',
      ]);
      expect(JSON.stringify(outputs)).not.toMatch(/secretsmanager|kafka\.example\.com/);
    });
  });
});
