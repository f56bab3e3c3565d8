import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CompactionSummary } from '../../shared/compaction/compactionSummary.js';
import type { CompactionDispatchSummary } from '../../shared/compaction/groupMessage.js';
import { CaptureError } from '../../shared/errors.js';
import type { IngestListener } from '../../shared/pipeline/ingest.js';
import type { CaptureSummary } from '../../shared/pipeline/summary.js';
import {
  compactionDispatchLogRecord,
  compactionLogRecord,
  failureLogRecord,
  invocationLogRecord,
  type LogLineOf,
  ledgerLossNoticeRecords,
  type NoticesOf,
  positionRestartLogRecord,
} from '../../shared/telemetry.js';
import { METRIC, METRICS_NAMESPACE, serviceNameOf, TOPIC_DIMENSION } from './metricNames.js';

/** The structured logger and the metrics of one topic's function. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Powertools adds the `service` dimension itself; with the topic they make `metricDimensionsOf`. */
export function observabilityFor(topic: string): Observability {
  const serviceName = serviceNameOf(topic);
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName,
      defaultDimensions: { [TOPIC_DIMENSION]: topic },
    }),
  };
}

/** How a step's summary is reported: its log line and its metrics. */
export interface SummaryReport<T> {
  readonly message: string;
  readonly lineOf: LogLineOf<T>;
  readonly addMetrics: (metrics: Metrics, summary: T) => void;
  /** Lines of their own for what an operator must hear of (a position restart), logged as warnings. */
  readonly noticesOf?: NoticesOf<T>;
}

/**
 * Runs a capture step, logs its one structured line and records its figures as metrics (flushed by
 * the `logMetrics` middleware as CloudWatch embedded metric format), or logs a failure line that says
 * whether the mapping's retry will fix it. Failures are rethrown: the mapping retries the batch and
 * holds the partition.
 */
export async function withInvocationTelemetry<T>(
  { logger, metrics }: Observability,
  functionName: string,
  topic: string,
  work: () => Promise<T>,
  report: SummaryReport<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const summary = await work();
    logger.info(report.message, report.lineOf(functionName, topic, summary, performance.now() - started));
    for (const { event, ...notice } of report.noticesOf?.(functionName, topic, summary) ?? [])
      logger.warn(String(event), notice);
    report.addMetrics(metrics, summary);
    return summary;
  } catch (error) {
    metrics.addMetric(METRIC.failures, MetricUnit.Count, 1);
    if (error instanceof CaptureError && error.event !== 'capture.failure')
      metrics.addMetric(METRIC.operatorHolds, MetricUnit.Count, 1);
    const { event, ...failure } = failureLogRecord(functionName, topic, error, 'event source');
    logger.error(String(event), failure);
    throw error;
  }
}

/** Ingestion and sealing: the `capture.invocation` line and the capture metrics. */
export const CAPTURE_REPORT: SummaryReport<CaptureSummary> = {
  message: 'capture.invocation',
  lineOf: invocationLogRecord,
  addMetrics: addCaptureMetrics,
  noticesOf: ledgerLossNoticeRecords,
};

/**
 * Logs and counts each position restart the moment it is durable (see `IngestListener`): the metric
 * is flushed with the invocation's others, on failure too.
 */
export function restartsReportedTo(
  { logger, metrics }: Observability,
  functionName: string,
  topic: string,
): IngestListener {
  return {
    positionsRestarted: (restart) => {
      const { event, ...line } = positionRestartLogRecord(functionName, topic, restart);
      logger.warn(String(event), line);
      metrics.addMetric(METRIC.positionRestarts, MetricUnit.Count, 1);
    },
  };
}

/** The hourly compaction dispatch: the `capture.compaction-dispatch` line and the groups it sent. */
export const DISPATCH_REPORT: SummaryReport<CompactionDispatchSummary> = {
  message: 'capture.compaction-dispatch',
  lineOf: compactionDispatchLogRecord,
  addMetrics: (metrics, summary) => {
    metrics.addMetric(METRIC.compactionGroups, MetricUnit.Count, summary.groups);
  },
};

/** Compaction: the `capture.compaction` line and its rows and bytes. */
export const COMPACTION_REPORT: SummaryReport<CompactionSummary> = {
  message: 'capture.compaction',
  lineOf: compactionLogRecord,
  addMetrics: (metrics, summary) => {
    metrics.addMetric(METRIC.hoursCompacted, MetricUnit.Count, summary.hoursCompacted);
    metrics.addMetric(METRIC.rowsCompacted, MetricUnit.Count, summary.rowsWritten);
    metrics.addMetric(METRIC.compactedBytes, MetricUnit.Bytes, summary.bytesWritten);
    metrics.addMetric(METRIC.hoursWaiting, MetricUnit.Count, summary.hoursWaiting);
    metrics.addMetric(METRIC.compactionHoursBehind, MetricUnit.Count, summary.hoursBehind);
    metrics.addMetric(METRIC.compactionObjectsPending, MetricUnit.Count, summary.rawObjectsPending);
    metrics.addMetric(METRIC.compactionLateHoursFound, MetricUnit.Count, summary.lateHoursFound);
  },
};

function addCaptureMetrics(metrics: Metrics, summary: CaptureSummary): void {
  const deadLetters = Object.values(summary.deadLetters).reduce((sum, count) => sum + count, 0);
  metrics.addMetric(METRIC.records, MetricUnit.Count, summary.records);
  metrics.addMetric(METRIC.redelivered, MetricUnit.Count, summary.redelivered);
  metrics.addMetric(METRIC.bytesIn, MetricUnit.Bytes, summary.bytesIn);
  metrics.addMetric(METRIC.bytesOut, MetricUnit.Bytes, summary.bytesOut);
  metrics.addMetric(METRIC.objectsSealed, MetricUnit.Count, summary.objectsSealed);
  metrics.addMetric(METRIC.lateObjectsSealed, MetricUnit.Count, summary.lateObjectsSealed);
  metrics.addMetric(METRIC.deadLetters, MetricUnit.Count, deadLetters);
  metrics.addMetric(METRIC.ledgerConflicts, MetricUnit.Count, summary.ledgerConflicts);
  metrics.addMetric(METRIC.ledgersLost, MetricUnit.Count, summary.ledgersLost.length);
  if (summary.lagMs !== null) metrics.addMetric(METRIC.lagMs, MetricUnit.Milliseconds, summary.lagMs);
}
