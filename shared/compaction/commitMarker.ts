import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../store.js';
import { type CompactionUnit, committedPath, hourIso, unitNamedBy, unitStagingPath } from './unitPaths.js';

const COMMITTED_FORMAT = 'stream-capture.unit-committed/1';

/**
 * Records, create-only, that the topic's table holds the unit's commit. The table says so too (an
 * Iceberg snapshot's summary, a Delta `txn`), but an Iceberg table forgets it when maintenance
 * expires the snapshot, and a unit that looked uncommitted then would be appended twice on its
 * hour's next visit (a late object, the lookback). Written after the commit and before maintenance
 * expires the snapshot (see `maintainTable`), so one of the two always says it. Writing it twice is
 * harmless: the second publish finds it there. Markers count only once the table's history was cut
 * (see `CompactionTable.historyCut`).
 */
export async function markCommitted(objects: ObjectStore, unit: CompactionUnit): Promise<void> {
  const marker = {
    format: COMMITTED_FORMAT,
    topic: unit.topic,
    hour: hourIso(unit.hour),
    group: unit.group,
    sequence: unit.sequence,
  };
  // Staged under a name of its own, so a concurrent run's cleanup never takes this run's segment.
  const staging = unitStagingPath(unit, 'committed', `committed-${randomUUID()}`);
  await objects.stage(staging, Buffer.from(`${JSON.stringify(marker)}\n`));
  await objects.publish(committedPath(unit), [staging]);
  await objects.deleteStaged([staging]);
}

/**
 * Whether an hour folder's listing holds a marker saying the unit is committed: its own, or a later
 * unit's of its group (a group's units are committed in sequence, each only once the one before is).
 */
export function markedCommitted(listed: readonly string[], unit: CompactionUnit): boolean {
  return listed.some((path) => {
    const named = unitNamedBy(path, 'committed');
    return named !== null && named.group === unit.group && named.sequence >= unit.sequence;
  });
}
