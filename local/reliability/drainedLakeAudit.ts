import { join } from 'node:path';
import type { TopicConfig } from '../../shared/config/schema.js';
import { auditLake, type LakeAudit } from '../audit/lakeAudit.js';
import type { Lake } from '../emulators/openLake.js';
import type { FaultKind, FaultPlan } from '../faults/faultProxy.js';
import type { Platform } from '../platforms/kafka/triggerFunctions.js';
import { type CompactionReport, compactUnderFaults } from './compactionUnderFaults.js';

export interface DrainedLakeReport extends LakeAudit {
  /** Storage requests and faults until the lake was drained; compaction's are its own. */
  readonly requests: number;
  readonly faults: Record<FaultKind, number>;
  readonly compaction: CompactionReport;
}

/**
 * The end of every reliability run: the faults ingestion met, the drained lake read back past the
 * proxies (each expected record exactly once), then compacted through them and read back again.
 */
export async function auditDrainedLake(options: {
  readonly platform: Platform;
  readonly topic: TopicConfig;
  readonly lake: Lake;
  readonly plan: FaultPlan;
  /** Every `<partition>/<position>` that was delivered. */
  readonly expected: ReadonlySet<string>;
  /** The newest event time of the run: compaction runs hours after it. */
  readonly lastEventMs: number;
  /** Scratch space for downloads and logs. */
  readonly folder: string;
}): Promise<DrainedLakeReport> {
  const { plan, lake, folder } = options;
  const requests = plan.requests();
  const faults = plan.injected();
  const audit = await auditLake(lake.direct.objects, join(folder, 'lake'), options.expected);
  const compaction = await compactUnderFaults({
    platform: options.platform,
    topic: options.topic,
    lake,
    plan,
    lastEventMs: options.lastEventMs,
    logFile: join(folder, '_logs', 'compaction.jsonl'),
    folder: join(folder, 'compaction'),
  });
  return { requests, faults, ...audit, compaction };
}
