import { appendFileSync } from 'node:fs';
import type { CaptureSummary } from '../../../shared/pipeline/summary.js';
import {
  captureNoticeRecords,
  failureLogRecord,
  invocationLogRecord,
  type LogLineOf,
  type NoticesOf,
} from '../../../shared/telemetry.js';

/**
 * Runs one Lambda handler call and appends its invocation line to `logFile`, the line CloudWatch
 * would get: the local runner silences Powertools (see quietObservability) and logs here instead.
 * Capture steps log `capture.invocation` and their notices (`capture.positions-restarted`, …); another
 * step passes its own line builder. A failed call logs the failure line the handler's logger writes in
 * the cloud, and throws on.
 */
export function lambdaInvocationLogger(logFile: string, topic: string) {
  function logged(name: string, call: () => Promise<CaptureSummary>): Promise<CaptureSummary>;
  function logged<T>(name: string, call: () => Promise<T>, lineOf: LogLineOf<T>): Promise<T>;
  async function logged<T>(
    name: string,
    call: () => Promise<T>,
    lineOf: LogLineOf<T> = invocationLogRecord as unknown as LogLineOf<T>,
    noticesOf: NoticesOf<T> | undefined = lineOf === (invocationLogRecord as unknown)
      ? (captureNoticeRecords as unknown as NoticesOf<T>)
      : undefined,
  ): Promise<T> {
    const started = performance.now();
    let summary: T;
    try {
      summary = await call();
    } catch (error) {
      appendFileSync(logFile, `${JSON.stringify(failureLogRecord(name, topic, error, 'event source'))}\n`);
      throw error;
    }
    appendFileSync(logFile, `${JSON.stringify(lineOf(name, topic, summary, performance.now() - started))}\n`);
    for (const notice of noticesOf?.(name, topic, summary) ?? [])
      appendFileSync(logFile, `${JSON.stringify(notice)}\n`);
    return summary;
  }
  return logged;
}
