import pLimit from 'p-limit';
import { listRawObjectsOfHour } from '../../shared/compaction/rawObjects.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import type { ObjectKind } from '../../shared/coordinates.js';
import { EMPTY_LEDGER, type PartitionLedger } from '../../shared/ledger.js';
import type { ObjectReader } from '../../shared/store.js';
import { decodeObject } from './objectRecords.js';
import type { ReadOnlyLake } from './readOnlyLake.js';

/** A visible object as a cell shows it. */
export interface ObjectFacts {
  readonly path: string;
  readonly bytes: number;
  readonly records: number;
  /**
   * Why the object could not be decoded (a damaged file): shown on its cell, so one bad object does
   * not hide the rest of the lake from the operator who needs to find it. `records` is then 0.
   */
  readonly unreadable: string | null;
  /** An additional object of a minute sealed before (`.late` in its name). */
  readonly late: boolean;
}

/**
 * - `sealed`: the minute's object is visible;
 * - `sealing`: the ledger has decided the object and it is being published;
 * - `open`: records are staged for the minute, not visible yet;
 * - `empty`: nothing for the minute, visible or staged: the partition was idle, or its records are
 *   missing (a gap between busy minutes is worth a look).
 */
export type CellState = 'sealed' | 'sealing' | 'open' | 'empty';

export interface MinuteCell {
  readonly minute: number;
  readonly state: CellState;
  /** The minute's raw objects, the minute's own first and late ones after. */
  readonly objects: readonly ObjectFacts[];
  readonly deadLetters: readonly ObjectFacts[];
  /** What the ledger holds staged and unsealed for the minute (its open segments). */
  readonly open: { readonly records: number; readonly bytes: number } | null;
}

export interface PartitionRow {
  readonly partition: string;
  readonly cells: readonly MinuteCell[];
}

export interface MinuteGrid {
  /** The minutes shown, as whole minutes since the epoch, oldest first. */
  readonly minutes: readonly number[];
  readonly partitions: readonly PartitionRow[];
}

/** Objects never change once visible, so what was read of one holds for as long as the console runs. */
export type ObjectFactsCache = Map<string, ObjectFacts>;

const reads = pLimit(8);

/**
 * Partitions × minutes for the `hours` hours up to the lake's newest minute (the newest the ledgers
 * have closed or hold, so a lake captured yesterday shows its own last hours), from the first to the
 * last minute that has anything. Raw and dead-letter objects are found by the topic's layout as
 * compaction finds them; open and sealing minutes come from the ledgers.
 */
export async function buildMinuteGrid(
  lake: ReadOnlyLake,
  topic: TopicConfig,
  ledgers: ReadonlyMap<string, PartitionLedger>,
  hours: number,
  cache: ObjectFactsCache,
): Promise<MinuteGrid> {
  const partitions = [...ledgers.keys()];
  const newest = newestMinute([...ledgers.values()]);
  if (newest === null) return { minutes: [], partitions: [] };
  const newestHour = Math.floor(newest / 60);
  const listed = { data: new Map<string, ObjectFacts[]>(), deadletter: new Map<string, ObjectFacts[]>() };
  const busy: number[] = [];
  for (let hour = newestHour - hours + 1; hour <= newestHour; hour++) {
    for (const kind of ['data', 'deadletter'] as const) {
      const found = await listRawObjectsOfHour(lake.objects, topic, hour, partitions, kind);
      const facts = await Promise.all(
        found.map(({ path }) => reads(() => factsOf(lake.objects, path, cache))),
      );
      found.forEach(({ partition, minute }, index) => {
        busy.push(minute);
        const key = `${partition}/${minute}`;
        listed[kind].set(key, [...(listed[kind].get(key) ?? []), facts[index] as ObjectFacts]);
      });
    }
  }
  const windowStart = (newestHour - hours + 1) * 60;
  for (const ledger of ledgers.values()) busy.push(...unsealedMinutes(ledger));
  if (busy.length === 0) return { minutes: [], partitions: [] };
  const first = Math.max(
    windowStart,
    busy.reduce((a, b) => Math.min(a, b)),
  );
  const last = busy.reduce((a, b) => Math.max(a, b));
  const minutes = Array.from({ length: last - first + 1 }, (_, index) => first + index);
  return {
    minutes,
    partitions: partitions.map((partition) => ({
      partition,
      cells: minutes.map((minute) =>
        cellOf(minute, ledgers.get(partition) ?? EMPTY_LEDGER, {
          data: listed.data.get(`${partition}/${minute}`) ?? [],
          deadletter: listed.deadletter.get(`${partition}/${minute}`) ?? [],
        }),
      ),
    })),
  };
}

function cellOf(
  minute: number,
  ledger: PartitionLedger,
  objects: Record<ObjectKind, readonly ObjectFacts[]>,
): MinuteCell {
  const segments = ledger.open.filter((segment) => segment.minute === minute);
  const open =
    segments.length === 0
      ? null
      : {
          records: segments.reduce((sum, segment) => sum + segment.records, 0),
          bytes: segments.reduce((sum, segment) => sum + segment.bytes, 0),
        };
  const sealing = ledger.pending.some((object) => object.minute === minute);
  const state: CellState = objects.data.some((object) => !object.late)
    ? 'sealed'
    : sealing
      ? 'sealing'
      : open !== null
        ? 'open'
        : objects.data.length + objects.deadletter.length > 0
          ? 'sealed'
          : 'empty';
  const data = [...objects.data].sort((a, b) => Number(a.late) - Number(b.late));
  return { minute, state, objects: data, deadLetters: objects.deadletter, open };
}

async function factsOf(objects: ObjectReader, path: string, cache: ObjectFactsCache): Promise<ObjectFacts> {
  const known = cache.get(path);
  if (known) return known;
  const bytes = await objects.read(path);
  const facts = { path, bytes: bytes.length, late: /\.late\./.test(path), ...recordsOf(path, bytes) };
  cache.set(path, facts);
  return facts;
}

function recordsOf(path: string, bytes: Buffer): Pick<ObjectFacts, 'records' | 'unreadable'> {
  try {
    return { records: decodeObject(path, bytes, 0).records, unreadable: null };
  } catch (error) {
    return { records: 0, unreadable: error instanceof Error ? error.message : String(error) };
  }
}

// Minutes are folded with reduce, not spread into Math.min: a big topic's window holds more of them
// than a call takes arguments.

/** Minutes a ledger holds records of that are not visible yet: open and sealing ones. */
function unsealedMinutes(ledger: PartitionLedger): number[] {
  return [...ledger.open.map((segment) => segment.minute), ...ledger.pending.map((object) => object.minute)];
}

/** The newest minute the ledgers know: one with unsealed records, or the last one closed. */
function newestMinute(ledgers: readonly PartitionLedger[]): number | null {
  const minutes = ledgers.flatMap((ledger) => [
    ...unsealedMinutes(ledger),
    ...(ledger.closedThrough === null ? [] : [ledger.closedThrough]),
  ]);
  return minutes.length === 0 ? null : minutes.reduce((a, b) => Math.max(a, b));
}

/**
 * Every partition's ledger (an empty one where a partition has none yet), in partition order: read
 * once per page, for the grid and the freshness table alike.
 */
export async function readLedgers(
  lake: ReadOnlyLake,
  topic: TopicConfig,
): Promise<Map<string, PartitionLedger>> {
  const ledgers = new Map<string, PartitionLedger>();
  for (const partition of sortedPartitions(await lake.ledger.partitions(topic.name)))
    ledgers.set(partition, (await lake.ledger.read(topic.name, partition)).state ?? EMPTY_LEDGER);
  return ledgers;
}

/** Partition numbers in numeric order (2 before 10), any other id after them. */
function sortedPartitions(partitions: readonly string[]): string[] {
  return [...new Set(partitions)].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}
