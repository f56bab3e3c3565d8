import type { TopicConfig } from '../../shared/config/schema.js';
import { type CompactionStatus, compactionStatusOf } from './compactionStatus.js';
import { type DeadLetterReason, deadLettersByReason } from './deadLetters.js';
import { type InvocationSeries, readInvocationSeries } from './invocationLog.js';
import { buildMinuteGrid, type MinuteGrid, type ObjectFactsCache, readLedgers } from './minuteGrid.js';
import { type PartitionFreshness, partitionFreshness } from './partitionFreshness.js';
import type { ReadOnlyLake } from './readOnlyLake.js';

/** What the console looks at: one topic of one lake, read-only. */
export interface ConsoleSource {
  readonly lake: ReadOnlyLake;
  readonly topic: TopicConfig;
  /** Where the lake is, in words (`openLake`'s `where`). */
  readonly where: string;
  /** The local runs' invocation log, or null when the lake has none nearby. */
  readonly logFile: string | null;
  /** How many hours back from the lake's newest minute the grid shows. */
  readonly hours: number;
  readonly cache: ObjectFactsCache;
  /** What lag is measured to: the wall clock, or a test's fixed time. */
  readonly clock: () => number;
}

/** Everything the page shows, as plain data (the console serves it as `/lake.json` too). */
export interface LakeView {
  readonly topic: Pick<TopicConfig, 'name' | 'format' | 'layout' | 'compression'>;
  readonly where: string;
  readonly grid: MinuteGrid;
  readonly deadLetters: readonly DeadLetterReason[];
  readonly invocations: InvocationSeries | null;
  readonly compaction: CompactionStatus;
  /** When the view was read, ISO: what the freshness figures are measured to. */
  readonly at: string;
  readonly freshness: readonly PartitionFreshness[];
}

/** Reads the lake afresh: a page load shows the lake as it is now, while a run is still going too. */
export async function buildLakeView(source: ConsoleSource): Promise<LakeView> {
  const { lake, topic } = source;
  const now = source.clock();
  const ledgers = await readLedgers(lake, topic);
  const grid = await buildMinuteGrid(lake, topic, ledgers, source.hours, source.cache);
  const rawHours = new Set<number>();
  for (const row of grid.partitions)
    for (const cell of row.cells) if (cell.objects.length > 0) rawHours.add(Math.floor(cell.minute / 60));
  return {
    topic: { name: topic.name, format: topic.format, layout: topic.layout, compression: topic.compression },
    where: source.where,
    grid,
    deadLetters: await deadLettersByReason(lake.objects, grid),
    invocations: source.logFile === null ? null : await readInvocationSeries(source.logFile),
    compaction: await compactionStatusOf(
      lake.objects,
      topic,
      [...rawHours].sort((a, b) => a - b),
    ),
    at: new Date(now).toISOString(),
    freshness: partitionFreshness(ledgers, now),
  };
}
