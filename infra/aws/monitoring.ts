import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryVisualizationType,
  LogQueryWidget,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, metricDimensionsOf } from '../../functions/aws/metricNames.js';

/**
 * Logs Insights rows of one partition each: Powertools writes the line's fields at top level, and
 * `unnest` expands the `byPartition` list (of `jsonParse`, not of the discovered fields, which
 * flatten arrays into `byPartition.0.records`…) into one row per element.
 */
const PARTITION_ROWS = [
  'filter message = "capture.invocation"',
  'fields jsonParse(@message) as line',
  'unnest line.byPartition into p',
] as const;

/**
 * Hours a partition group's compaction may be behind before its alarm fires: at minute 10 the hour
 * before is normally committed (0), or waits for a late seal (1); three means runs fail or cannot
 * keep up, and the hours still in raw are not in the table.
 */
export const COMPACTION_BACKLOG_ALARM_HOURS = 3;

/** Dashboards show minutes, the unit objects land in; alarms judge five-minute windows. */
const DASHBOARD_PERIOD = Duration.minutes(1);
const ALARM_PERIOD = Duration.minutes(5);

export interface MonitoringProps {
  readonly topicName: string;
  /** The dashboard's name; without one there is no dashboard (`aws.dashboard`), only the alarms. */
  readonly dashboardName?: string;
  readonly ingest: IFunction;
  readonly sealTimer: IFunction;
  readonly compactionDispatcher: IFunction;
  readonly compactionWorker: IFunction;
  /** Where ingestion and the seal timer write their `capture.invocation` lines. */
  readonly invocationLogGroups: readonly ILogGroup[];
  /** Records behind (the mapping's OffsetLag) at which the lag alarm fires. */
  readonly offsetLagAlarm: number;
}

/**
 * The topic's alarms and, when asked for, its dashboard. A failing batch holds its partition instead
 * of being skipped, so a problem shows as errors that persist and an offset lag that grows: those are
 * what page someone.
 */
export class Monitoring extends Construct {
  readonly dashboard: Dashboard | undefined;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { ingest, sealTimer, compactionDispatcher, compactionWorker } = props;
    const custom = (metricName: string, statistic: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        // Powertools adds `service` to every metric; CloudWatch finds a metric only by its full dimension set.
        dimensionsMap: metricDimensionsOf(props.topicName),
        statistic,
        period: DASHBOARD_PERIOD,
      });
    // AWS/Lambda publishes the Kafka mapping's OffsetLag (records behind) per function name.
    const offsetLag = ingest.metric('OffsetLag', { statistic: 'Maximum', period: DASHBOARD_PERIOD });
    const deadLetters = custom(METRIC.deadLetters, 'Sum');

    this.alarmTopic = new Topic(this, 'Alarms', {
      displayName: `Stream capture alarms of ${props.topicName}`,
      enforceSSL: true,
    });
    const alarms = [
      failingFor15Minutes(
        this,
        'IngestErrors',
        ingest,
        `${props.topicName}: ingestion has failed for 15 minutes`,
      ),
      failingFor15Minutes(
        this,
        'SealTimerErrors',
        sealTimer,
        `${props.topicName}: sealing has failed for 15 minutes`,
      ),
      failingTwoHoursInARow(
        this,
        'CompactionDispatcherErrors',
        compactionDispatcher,
        `${props.topicName}: the compaction dispatch failed in two hourly runs in a row`,
      ),
      failingTwoHoursInARow(
        this,
        'CompactionWorkerErrors',
        compactionWorker,
        `${props.topicName}: a compaction worker failed in two hours in a row`,
      ),
      offsetLag.with({ period: ALARM_PERIOD }).createAlarm(this, 'OffsetLagAlarm', {
        alarmDescription: `${props.topicName}: the mapping is ${props.offsetLagAlarm} or more records behind (aws.offsetLagAlarm)`,
        threshold: props.offsetLagAlarm,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        // No datapoints: no records are flowing, so nothing is behind.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      custom(METRIC.compactionHoursBehind, 'Maximum')
        .with({ period: Duration.hours(1) })
        .createAlarm(this, 'CompactionBacklogAlarm', {
          alarmDescription: `${props.topicName}: a partition group's compaction is ${COMPACTION_BACKLOG_ALARM_HOURS} or more hours behind; see the capture.compaction lines (hoursBehind, rawObjectsPending, hoursWaiting) and the workers' errors`,
          threshold: COMPACTION_BACKLOG_ALARM_HOURS,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          // Workers that do not run at all are the dispatcher's and workers' error alarms.
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      deadLetters.with({ period: ALARM_PERIOD }).createAlarm(this, 'DeadLettersAlarm', {
        alarmDescription: `${props.topicName}: records were dead-lettered (not decodable or too large); see deadletter/`,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      ...[
        {
          id: 'PositionRestartsAlarm',
          metric: custom(METRIC.positionRestarts, 'Sum'),
          description: `${props.topicName}: a partition's positions started over (topic recreated, log truncated, group reset below the capture's start); its new records go to objects named with a generation: see the capture.positions-restarted line`,
        },
        {
          id: 'OperatorHoldsAlarm',
          metric: custom(METRIC.operatorHolds, 'Sum'),
          description: `${props.topicName}: a partition holds until an operator acts (a lost ledger, positions that went back without proof, records of another topic); the failure line names the command`,
        },
        {
          id: 'LedgersLostAlarm',
          metric: custom(METRIC.ledgersLost, 'Sum'),
          description: `${props.topicName}: staged records of a partition no ledger names: rebuild it with npm run invoke -- repair-ledger (capture.ledger-missing line)`,
        },
      ].map(({ id, metric, description }) =>
        metric.with({ period: ALARM_PERIOD }).createAlarm(this, id, {
          alarmDescription: description,
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(new SnsAction(this.alarmTopic));

    // A dashboard is billed every month; the alarms above and the metrics do not need one.
    if (props.dashboardName === undefined) {
      this.dashboard = undefined;
      return;
    }
    const everyFunction = (metricOf: (fn: IFunction) => IMetric) => [
      metricOf(ingest),
      metricOf(sealTimer),
      metricOf(compactionDispatcher),
      metricOf(compactionWorker),
    ];
    const functionGraph = (title: string, metricOf: (fn: IFunction) => IMetric) =>
      new GraphWidget({ title, left: everyFunction(metricOf), width: 6 });
    const dashboardMetric = { period: DASHBOARD_PERIOD };
    const logGroupNames = props.invocationLogGroups.map((group) => group.logGroupName);
    const partitionChart = (title: string, aggregate: string) =>
      new LogQueryWidget({
        title,
        logGroupNames,
        queryLines: [...PARTITION_ROWS, `stats ${aggregate} by bin(5m), p.partition`],
        view: LogQueryVisualizationType.LINE,
        width: 8,
      });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          functionGraph('Invocations', (fn) => fn.metricInvocations(dashboardMetric)),
          functionGraph('Errors', (fn) => fn.metricErrors(dashboardMetric)),
          functionGraph('Duration (max)', (fn) =>
            fn.metricDuration({ ...dashboardMetric, statistic: 'Maximum' }),
          ),
          functionGraph('Throttles', (fn) => fn.metricThrottles(dashboardMetric)),
        ],
        [
          new GraphWidget({
            title: 'Offset lag (records behind)',
            left: [offsetLag],
            leftAnnotations: [{ value: props.offsetLagAlarm, label: 'alarm' }],
            width: 8,
          }),
          new GraphWidget({
            title: 'Age of the oldest record processed (ms)',
            left: [custom(METRIC.lagMs, 'Maximum')],
            width: 8,
          }),
          new GraphWidget({ title: 'Dead letters', left: [deadLetters], width: 8 }),
        ],
        [
          new GraphWidget({ title: 'Records', left: [custom(METRIC.records, 'Sum')], width: 8 }),
          new GraphWidget({
            title: 'Bytes in and out',
            left: [custom(METRIC.bytesIn, 'Sum'), custom(METRIC.bytesOut, 'Sum')],
            width: 8,
          }),
          new GraphWidget({
            title: 'Objects sealed',
            left: [custom(METRIC.objectsSealed, 'Sum'), custom(METRIC.lateObjectsSealed, 'Sum')],
            width: 8,
          }),
        ],
        [
          new LogQueryWidget({
            title: 'By partition: totals over the time range',
            logGroupNames,
            queryLines: [
              ...PARTITION_ROWS,
              'stats sum(p.records) as records, sum(p.bytesIn) as bytesIn, sum(p.bytesOut) as bytesOut, sum(p.objectsSealed) as objectsSealed, sum(p.lateObjectsSealed) as lateObjectsSealed, sum(p.deadLetters) as deadLetters, max(p.lagMs) as maxLagMs by p.partition',
              'sort p.partition asc',
            ],
            view: LogQueryVisualizationType.TABLE,
            width: 24,
          }),
        ],
        [
          partitionChart('Records by partition', 'sum(p.records) as records'),
          partitionChart('Bytes out by partition', 'sum(p.bytesOut) as bytesOut'),
          partitionChart(
            'Objects sealed (and late ones) by partition',
            'sum(p.objectsSealed) as objectsSealed, sum(p.lateObjectsSealed) as lateObjectsSealed',
          ),
        ],
        [
          partitionChart('Dead letters by partition', 'sum(p.deadLetters) as deadLetters'),
          partitionChart('Lag by partition (ms, oldest record of each batch)', 'max(p.lagMs) as lagMs'),
        ],
        [
          new GraphWidget({
            title: 'Compaction: partition groups dispatched',
            left: [custom(METRIC.compactionGroups, 'Sum')],
            width: 8,
          }),
          new GraphWidget({
            title: 'Compaction: hours compacted and hours waiting',
            left: [custom(METRIC.hoursCompacted, 'Sum'), custom(METRIC.hoursWaiting, 'Maximum')],
            width: 8,
          }),
          new GraphWidget({
            title: 'Compaction: backlog (hours behind, raw objects pending)',
            left: [custom(METRIC.compactionHoursBehind, 'Maximum')],
            leftAnnotations: [{ value: COMPACTION_BACKLOG_ALARM_HOURS, label: 'alarm' }],
            right: [custom(METRIC.compactionObjectsPending, 'Maximum')],
            width: 8,
          }),
          new GraphWidget({
            title: 'Compaction: rows and Parquet bytes',
            left: [custom(METRIC.rowsCompacted, 'Sum')],
            right: [custom(METRIC.compactedBytes, 'Sum')],
            width: 8,
          }),
        ],
      ],
    });
  }
}

/**
 * Compaction runs hourly and a failed run is redone by the next (a worker's, after its retries): errors
 * in two hourly windows in a row matter.
 */
function failingTwoHoursInARow(scope: Construct, id: string, fn: IFunction, what: string): Alarm {
  return fn.metricErrors({ period: Duration.hours(1) }).createAlarm(scope, id, {
    alarmDescription: `${what}: see its log group for capture.failure lines`,
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/**
 * One failed invocation is retried by the platform and is no news; errors in three windows in a row
 * mean the partition (or the sealing) has been stuck for a quarter of an hour.
 */
function failingFor15Minutes(scope: Construct, id: string, fn: IFunction, what: string): Alarm {
  return fn.metricErrors({ period: ALARM_PERIOD }).createAlarm(scope, id, {
    alarmDescription: `${what}: see its log group for capture.failure lines`,
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
