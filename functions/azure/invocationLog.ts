import type { InvocationContext } from '@azure/functions';
import { CaptureError } from '../../shared/errors.js';
import type { LogLineOf } from '../../shared/telemetry.js';

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
): Promise<T> {
  const started = performance.now();
  try {
    const summary = await work();
    invocation.log(JSON.stringify(lineOf(functionName, topic, summary, performance.now() - started)));
    return summary;
  } catch (error) {
    const retriable = error instanceof CaptureError ? error.retriable : true;
    invocation.error(
      JSON.stringify({
        event: 'capture.failure',
        function: functionName,
        topic,
        retriable,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        action: retriable
          ? 'none: the batch is retried and its partition waits until storage answers'
          : 'fix the configuration or trigger settings named in the error; the partition waits and nothing is lost',
      }),
    );
    throw error;
  }
}
