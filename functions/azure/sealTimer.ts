import { type FunctionTrigger, type InvocationContext, trigger } from '@azure/functions';
import { sealIdlePartitions } from '../../shared/pipeline/sealTimer.js';
import type { CaptureSummary } from '../../shared/pipeline/summary.js';
import { invocationLogRecord, ledgerLossNoticeRecords } from '../../shared/telemetry.js';
import { withInvocationLog } from './invocationLog.js';
import type { ContextProvider } from './runtime.js';

export const SEAL_TIMER = 'seal-timer';

/**
 * Every minute, at second 30: a minute with a 60 s seal delay becomes sealable at second 0 of the
 * minute after next, so it is visible within about two minutes of its end on an idle partition.
 */
export function sealTimerTrigger(): FunctionTrigger {
  return trigger.timer({ schedule: '30 * * * * *' });
}

export function createSealTimerHandler(getContext: ContextProvider) {
  return async (_timer: unknown, invocation: InvocationContext): Promise<CaptureSummary> => {
    const context = await getContext();
    return withInvocationLog(
      invocation,
      SEAL_TIMER,
      context.topic.name,
      () => sealIdlePartitions(context),
      invocationLogRecord,
      ledgerLossNoticeRecords,
    );
  };
}
