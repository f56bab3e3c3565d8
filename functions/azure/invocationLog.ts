import type { InvocationContext } from '@azure/functions';
import { failureLogRecord, type LogLineOf, type NoticesOf } from '../../shared/telemetry.js';

/**
 * Runs a capture step and logs its one structured line (built by `lineOf`), or a failure line that
 * says whether the platform's retry will fix it. Failures are rethrown: the retry policy redelivers
 * the batch.
 */
export async function withInvocationLog<T>(
  invocation: InvocationContext,
  functionName: string,
  topic: string,
  work: () => Promise<T>,
  lineOf: LogLineOf<T>,
  noticesOf?: NoticesOf<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const summary = await work();
    invocation.log(JSON.stringify(lineOf(functionName, topic, summary, performance.now() - started)));
    for (const notice of noticesOf?.(functionName, topic, summary) ?? [])
      invocation.warn(JSON.stringify(notice));
    return summary;
  } catch (error) {
    invocation.error(JSON.stringify(failureLogRecord(functionName, topic, error, 'trigger')));
    throw error;
  }
}
