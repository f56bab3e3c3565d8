import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, serviceNameOf } from '../../../functions/aws/metricNames.js';
import type { Observability } from '../../../functions/aws/observability.js';

/**
 * Observability for Lambda handlers run many times by the local runner: Powertools prints to stdout,
 * which would bury the progress line, so the logger is silent and metrics are off; the runner writes
 * each invocation's line to its log file itself.
 */
export function quietObservability(topic: string): Observability {
  // Powertools reads this switch only from the environment, when the Metrics object is created.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const serviceName = serviceNameOf(topic);
  return {
    logger: new Logger({ serviceName, logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}
