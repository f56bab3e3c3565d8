import { type FunctionTrigger, type InvocationContext, trigger } from '@azure/functions';
import type { CompactionSummary } from '../../shared/compaction/compact.js';
import { compactionLogRecord } from '../../shared/telemetry.js';
import { withInvocationLog } from './invocationLog.js';
import type { ContextProvider } from './runtime.js';

export const COMPACT_TIMER = 'compact-timer';

/**
 * Every hour at minute 10: an hour is closed once its last minute is sealed, about two minutes after
 * it ends with the default seal delay, so ten minutes leave room for a trigger that runs behind. An
 * hour still open is left for the next run, and a run that fails is simply redone by the next one.
 */
export function compactTimerTrigger(): FunctionTrigger {
  return trigger.timer({ schedule: '0 10 * * * *' });
}

/** The Parquet writer is loaded by the first compaction, not at the app's cold start, which ingestion pays. */
export function createCompactTimerHandler(getContext: ContextProvider) {
  return async (_timer: unknown, invocation: InvocationContext): Promise<CompactionSummary> => {
    const context = await getContext();
    const { compactClosedHours } = await import('../../shared/compaction/compact.js');
    return withInvocationLog(
      invocation,
      COMPACT_TIMER,
      context.topic.name,
      () => compactClosedHours(context),
      compactionLogRecord,
    );
  };
}
