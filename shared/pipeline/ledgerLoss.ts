import { hourOf } from '../compaction/hours.js';
import { listRawObjectsOfHour } from '../compaction/rawObjects.js';
import { LedgerMissingError } from '../errors.js';
import { STAGING_PREFIX, stagingPartitionFolder } from '../paths/lakePaths.js';
import { pathSegment } from '../paths/pathSegment.js';
import type { CaptureContext } from './context.js';

/** Paths named in the message: enough to find them, not a listing. */
const NAMED_PATHS = 3;

/**
 * A partition without a ledger is new, or its ledger was lost (deleted by hand, expired by a
 * lifecycle rule). Lost, it named staged segments the platform has checkpointed (nothing else would
 * ever seal them) and the positions already captured (a redelivery would be captured twice). So
 * before a partition's first ledger is written, the lake is asked what it holds of it:
 *
 * - raw objects in the hours the batch's records fall in: an object is published only after its
 *   ledger existed;
 * - staged segments that start below the batch: the platform delivers from its checkpoint, so those
 *   hold records it has checkpointed. Segments from the batch's first position on are what an earlier
 *   attempt at this very batch staged before it died, which the ledger never named and which is safe
 *   to leave.
 *
 * Either means the ledger was lost: the partition holds with the command that rebuilds it.
 *
 * @param batch the first position of the batch and the times its records are placed by
 * @throws LedgerMissingError when the lake holds objects or checkpointed segments of the partition
 */
export async function assertLedgerNotLost(
  context: CaptureContext,
  partition: string,
  batch: { readonly firstPosition: number; readonly recordTimes: readonly number[] },
): Promise<void> {
  const { topic, store } = context;
  const staged = (await store.objects.list(`${stagingPartitionFolder(topic.name, partition)}/`)).filter(
    (path) => firstPositionOf(path) < batch.firstPosition,
  );
  const visible: string[] = [];
  for (const hour of new Set(batch.recordTimes.map(hourOf))) {
    const objects = await listRawObjectsOfHour(store.objects, topic, hour, [partition]);
    visible.push(...objects.map((object) => object.path));
  }
  if (staged.length === 0 && visible.length === 0) return;
  const named = [...staged, ...visible].slice(0, NAMED_PATHS).join(', ');
  throw new LedgerMissingError(
    `${topic.name}/${partition} has no ledger, but the lake holds ${staged.length} staged segments and ${visible.length} objects of it (${named}): the ledger was deleted or expired. The partition holds and nothing is lost; rebuild the ledger from the lake with npm run invoke -- repair-ledger --topic ${topic.name} --partition ${partition} (with the --config, --store and --dir of this lake), and the batch is taken again`,
  );
}

/** The first position a staged file's name starts with (`<first>-<last>-<digest>`, `<first>-header`). */
function firstPositionOf(path: string): number {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const digits = /^\d+/.exec(name)?.[0];
  return digits === undefined ? Number.NEGATIVE_INFINITY : Number(digits);
}

/** A partition the lake stages for but no ledger names, as the hourly check finds it. */
export interface LostLedger {
  readonly partition: string;
  readonly stagedFiles: number;
}

/**
 * Partitions with staged segments but no ledger: what a lost ledger leaves when its partition gets no
 * new batch to notice it (an idle partition, a topic that stopped). Their records were checkpointed
 * and nothing else will seal them, so the seal timer looks once an hour (one listing of the topic's
 * staging area) and reports each, to be rebuilt with `npm run invoke -- repair-ledger`.
 *
 * @param known the partitions that have a ledger
 */
export async function findLostLedgers(
  context: CaptureContext,
  known: readonly string[],
): Promise<LostLedger[]> {
  const { topic, store } = context;
  const folder = `${STAGING_PREFIX}/${pathSegment(topic.name)}/`;
  const stagedFiles = new Map<string, number>();
  for (const path of await store.objects.list(folder)) {
    const partition = path.slice(folder.length).split('/')[0] ?? '';
    if (/^\d+$/.test(partition)) stagedFiles.set(partition, (stagedFiles.get(partition) ?? 0) + 1);
  }
  const lost: LostLedger[] = [];
  for (const [partition, files] of stagedFiles) {
    if (known.includes(partition)) continue;
    // A partition's first batch stages before it writes its ledger: look again before calling it lost.
    if ((await store.ledger.read(topic.name, partition)).version === null)
      lost.push({ partition, stagedFiles: files });
  }
  return lost;
}
