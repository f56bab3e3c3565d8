import { appendFileSync } from 'node:fs';
import type { CaptureSummary } from '../shared/pipeline/summary.js';
import { invocationLogRecord } from '../shared/telemetry.js';

/**
 * Runs one Lambda handler call and appends its invocation line to `logFile`, the line CloudWatch
 * would get: the local runner silences Powertools (see quietObservability) and logs here instead.
 */
export function lambdaInvocationLogger(logFile: string, topic: string) {
  return async (name: string, call: () => Promise<CaptureSummary>): Promise<CaptureSummary> => {
    const started = performance.now();
    const summary = await call();
    const line = invocationLogRecord(name, topic, summary, performance.now() - started);
    appendFileSync(logFile, `${JSON.stringify(line)}\n`);
    return summary;
  };
}
