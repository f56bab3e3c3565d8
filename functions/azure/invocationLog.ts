import type { InvocationContext } from '@azure/functions';
import type { IngestListener } from '../../shared/pipeline/ingest.js';
import {
  failureLogRecord,
  type LogLineOf,
  type NoticesOf,
  positionRestartLogRecord,
} from '../../shared/telemetry.js';

/**
 * Runs a capture step and logs its one structured line (built by `lineOf`), or a failure line that
 * says whether the platform's retry will fix it. Failures are rethrown: the retry policy redelivers
 * the batch.
 */
/** Logs each position restart as a warning trace the moment it is durable (see `IngestListener`). */
export function restartsLoggedTo(
  invocation: InvocationContext,
  functionName: string,
  topic: string,
): IngestListener {
  return {
    positionsRestarted: (restart) =>
      invocation.warn(JSON.stringify(positionRestartLogRecord(functionName, topic, restart))),
  };
}

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
