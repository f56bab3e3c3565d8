import type { TopicConfig } from '../../shared/config/schema.js';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import { auditCompaction, type CompactionAudit } from '../audit/compactionAudit.js';
import type { Lake } from '../emulators/openLake.js';
import type { FaultKind, FaultPlan } from '../faults/faultProxy.js';
import type { Platform } from '../platforms/kafka/triggerFunctions.js';
import { platformFunctions } from '../platforms/platformFunctions.js';

/** Compaction runs this long after the last event: every hour of the run is closed by then. */
const HOURS_LATER_MS = 2 * 3_600_000;
/** A schedule that fails this many runs in a row is stuck, not unlucky. */
const MAX_RUNS = 50;

export interface CompactionReport extends CompactionAudit {
  /** Runs of the compaction function, the failed ones included. */
  readonly runs: number;
  readonly runsFailed: number;
  /** Storage requests and faults of the compaction runs alone. */
  readonly requests: number;
  readonly faults: Record<FaultKind, number>;
}

export interface CompactionUnderFaultsOptions {
  readonly platform: Platform;
  readonly topic: TopicConfig;
  /** A drained lake, opened with faults: every record sealed into a raw object or a dead letter. */
  readonly lake: Lake;
  /** The plan the stores' proxies draw from; what it injects meanwhile is the compaction's. */
  readonly plan: FaultPlan;
  readonly lastEventMs: number;
  readonly logFile: string;
  /** Scratch space for the read-back. */
  readonly folder: string;
}

/**
 * Runs the platform's compaction function over a drained lake through the fault proxies, as the
 * hourly schedule would: a failed run is redone by the next, until one succeeds. Then reads the
 * compacted lake back past the proxies (see `auditCompaction`).
 */
export async function compactUnderFaults(options: CompactionUnderFaultsOptions): Promise<CompactionReport> {
  const { plan, topic, lake } = options;
  const requestsBefore = plan.requests();
  const faultsBefore = plan.injected();
  // Compaction meets every kind of fault too, by construction (see `createFaultPlan`).
  plan.rearm();
  // The next scheduled run comes an hour later, but within the lookback that changes nothing a run
  // decides, so every run sees the same clock.
  const now = options.lastEventMs + HOURS_LATER_MS;
  const context: CaptureContext = { topic, store: lake.store, clock: () => now };
  const { compact } = platformFunctions(options.platform, context, options.logFile);
  let runs = 0;
  let runsFailed = 0;
  for (;;) {
    runs += 1;
    try {
      await compact();
      break;
    } catch (error) {
      runsFailed += 1;
      if (runs === MAX_RUNS)
        throw new Error(`compaction failed ${MAX_RUNS} runs in a row; the last failure is the cause`, {
          cause: error,
        });
    }
  }
  const faultsAfter = plan.injected();
  const faults = Object.fromEntries(
    Object.entries(faultsAfter).map(([kind, count]) => [kind, count - faultsBefore[kind as FaultKind]]),
  ) as Record<FaultKind, number>;
  const audit = await auditCompaction(lake.direct.objects, topic.name, options.folder);
  return { runs, runsFailed, requests: plan.requests() - requestsBefore, faults, ...audit };
}
