import { appendFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, serviceNameOf } from '../../../functions/aws/metricNames.js';
import type { Observability } from '../../../functions/aws/observability.js';

/**
 * Observability for Lambda handlers run many times by the local runner: Powertools prints to stdout,
 * which would bury the progress line, so the logger is silent but for warnings, which go to the log
 * file, and metrics are off; the runner writes each invocation's line to its log file itself.
 */
export function quietObservability(topic: string, logFile: string): Observability {
  // Powertools reads this switch only from the environment, when the Metrics object is created.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const serviceName = serviceNameOf(topic);
  const logger = new Logger({ serviceName, logLevel: 'SILENT' });
  // Warnings are the lines a function logs while it runs (a position restart): they go to the file,
  // as they would reach CloudWatch whatever the invocation did next.
  logger.warn = (message: unknown, ...extra: unknown[]) => {
    appendFileSync(logFile, `${JSON.stringify({ event: message, ...(extra[0] as object | undefined) })}\n`);
  };
  return { logger, metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }) };
}
