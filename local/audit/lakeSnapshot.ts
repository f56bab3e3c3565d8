import { isDeepStrictEqual } from 'node:util';
import type { PartitionLedger } from '../../shared/ledger.js';
import { COMPACTED_PREFIX, STAGING_PREFIX } from '../../shared/paths/lakePaths.js';
import type { CaptureStore } from '../../shared/store.js';

/**
 * Where the filesystem and S3 stores keep their ledgers beside the lake (Azure keeps them in a
 * table). Their files are compared through the ledger interface instead: the filesystem keeps
 * numbered versions, whose numbers count the writes, and retries after a crash write more often.
 */
const LEDGER_FOLDER = '_ledger';

/** What a run leaves that anyone can observe: the lake's objects and the ledgers' committed state. */
export interface LakeSnapshot {
  /** Path → bytes of every object outside the staging area (raw, dead letters, compacted). */
  readonly objects: ReadonlyMap<string, Buffer>;
  /** Partition → its ledger's state; versions (ETags, generations) are left out, they differ by nature. */
  readonly ledgers: ReadonlyMap<string, PartitionLedger>;
}

export async function snapshotLake(store: CaptureStore, topic: string): Promise<LakeSnapshot> {
  const objects = new Map<string, Buffer>();
  for (const path of await store.objects.list('')) {
    if (path.startsWith(`${STAGING_PREFIX}/`) || path.startsWith(`${LEDGER_FOLDER}/`)) continue;
    objects.set(path, await store.objects.read(path));
  }
  const ledgers = new Map<string, PartitionLedger>();
  for (const partition of await store.ledger.partitions(topic)) {
    ledgers.set(partition, (await store.ledger.read(topic, partition)).state);
  }
  return { objects, ledgers };
}

/**
 * The first way `actual` differs from `expected`, in words, or null when they are the same. Missing
 * objects come first, then extra ones, then changed ones, and raw and dead-letter objects before
 * compacted files: those follow from the raw objects, so a lost raw object changes them too, and the
 * raw object is the cause worth reading.
 */
export function firstDifference(expected: LakeSnapshot, actual: LakeSnapshot): string | null {
  const compacted = (path: string) => path.startsWith(`${COMPACTED_PREFIX}/`);
  const paths = union(expected.objects.keys(), actual.objects.keys()).sort(
    (a, b) => Number(compacted(a)) - Number(compacted(b)),
  );
  const missing = paths.find((path) => !actual.objects.has(path));
  if (missing !== undefined) return `${missing} is missing`;
  const extra = paths.find((path) => !expected.objects.has(path));
  if (extra !== undefined) return `${extra} is there, but not after the run without crashes`;
  for (const path of paths) {
    const want = expected.objects.get(path) as Buffer;
    const got = actual.objects.get(path) as Buffer;
    if (!want.equals(got)) {
      const at = want.findIndex((byte, index) => got[index] !== byte);
      return `${path} holds ${got.length} bytes, expected ${want.length}, first different at byte ${at === -1 ? want.length : at}`;
    }
  }
  for (const partition of union(expected.ledgers.keys(), actual.ledgers.keys())) {
    const want = expected.ledgers.get(partition);
    const got = actual.ledgers.get(partition);
    if (want === undefined)
      return `a ledger for partition ${partition} exists, but not after the run without crashes`;
    if (got === undefined) return `the ledger of partition ${partition} is missing`;
    for (const field of union(Object.keys(want), Object.keys(got)) as (keyof PartitionLedger)[]) {
      if (!isDeepStrictEqual(want[field], got[field]))
        return `the ledger of partition ${partition} has ${field} ${JSON.stringify(got[field])}, expected ${JSON.stringify(want[field])}`;
    }
  }
  return null;
}

function union(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}
