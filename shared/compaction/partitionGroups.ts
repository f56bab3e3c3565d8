/** A partition number as Event Hubs and Kafka write it: decimal, no sign, no leading zero. */
const PARTITION_NUMBER = /^(0|[1-9]\d*)$/;

/**
 * The partition groups the hourly compaction fans out over, one invocation each: group `k` holds the
 * partitions numbered `k * partitionsPerGroup` up to `(k + 1) * partitionsPerGroup - 1`, all of them,
 * whether or not the ledger knows them yet. A group is named after its partitions in its files
 * (see `compactClosedHours`), so a partition that appears later (a Kafka topic grown, or an Event Hubs
 * partition that receives its first event) joins the group its number falls in without renaming it,
 * and every run compacts the same partitions under the same names. Only groups that hold a known
 * partition are returned, sorted by their first partition. A partition id that is not a number (no
 * platform writes one) forms a group of its own, which is just as stable.
 *
 * @example
 * partitionGroupsOf(['0', '1', '9'], 8); // [['0', …, '7'], ['8', …, '15']]
 */
export function partitionGroupsOf(partitions: readonly string[], partitionsPerGroup: number): string[][] {
  const numbered = new Map<number, string[]>();
  const named: string[][] = [];
  for (const partition of [...new Set(partitions)].sort()) {
    if (!PARTITION_NUMBER.test(partition)) {
      named.push([partition]);
      continue;
    }
    const index = Math.floor(Number(partition) / partitionsPerGroup);
    if (!numbered.has(index)) numbered.set(index, groupAt(index, partitionsPerGroup));
  }
  const byRange = [...numbered.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
  return [...byRange, ...named];
}

/**
 * True when `partitions` are exactly one group of `partitionsPerGroup`, as `partitionGroupsOf` forms
 * it. A message for another grouping comes from before `compaction.partitionsPerGroup` changed; its
 * partitions overlap the new groups, so compacting it beside them could compact a raw object twice.
 */
export function isPartitionGroup(partitions: readonly string[], partitionsPerGroup: number): boolean {
  const [first] = partitions;
  if (first === undefined) return false;
  const expected = PARTITION_NUMBER.test(first)
    ? groupAt(Math.floor(Number(first) / partitionsPerGroup), partitionsPerGroup)
    : [first];
  return (
    expected.length === partitions.length && expected.every((partition, i) => partition === partitions[i])
  );
}

function groupAt(index: number, partitionsPerGroup: number): string[] {
  return Array.from({ length: partitionsPerGroup }, (_, offset) =>
    String(index * partitionsPerGroup + offset),
  );
}
