import type { PartitionLedger } from '../ledger.js';

export const HOUR_MS = 3_600_000;
const MINUTES_PER_HOUR = 60;

/** The UTC hour a time falls in, as whole hours since the epoch. */
export function hourOf(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS);
}

/** The hour's minutes, as whole minutes since the epoch (see `minuteOf`). */
export function minutesOfHour(hour: number): number[] {
  return Array.from({ length: MINUTES_PER_HOUR }, (_, index) => hour * MINUTES_PER_HOUR + index);
}

/** `date=YYYY-MM-DD/hour=HH`: the hive-style folders partitioned-lake engines turn into columns. */
export function hourFolder(hour: number): string {
  const iso = new Date(hour * HOUR_MS).toISOString();
  return `date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

/**
 * True when a partition will add nothing more to the hour but late objects: nothing of the hour's
 * minutes (or earlier) is staged and unsealed, and either its ledger has sealed through the hour's
 * last minute or the hour ended a seal delay ago. The second case is an idle partition: the seal
 * timer only moves `closedThrough` over minutes that have records, so waiting for it would keep the
 * hour open for as long as the partition stays idle. Records that still come for the hour after
 * this (a backlog, a body time in the past) land in later raw objects, which a later run compacts
 * into an additional file of the hour.
 */
export function partitionDoneWithHour(
  ledger: PartitionLedger,
  hour: number,
  now: number,
  sealDelayMs: number,
): boolean {
  const lastMinute = (hour + 1) * MINUTES_PER_HOUR - 1;
  const unsealed =
    ledger.open.some((segment) => segment.minute <= lastMinute) ||
    ledger.pending.some((object) => object.minute <= lastMinute);
  if (unsealed) return false;
  return (ledger.closedThrough ?? -1) >= lastMinute || now >= (hour + 1) * HOUR_MS + sealDelayMs;
}
