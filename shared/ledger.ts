import type { ObjectKind } from './coordinates.js';
import { lastSealableMinute } from './time.js';

/** A staged segment as the ledger remembers it: enough to derive its staging path and its object. */
export interface LedgerSegment {
  readonly kind: ObjectKind;
  readonly minute: number;
  readonly first: number;
  readonly last: number;
  readonly records: number;
  readonly bytes: number;
  readonly encoding: string;
  /** Digest of the staged bytes, part of the staging path. */
  readonly digest: string;
  /** Clock time of staging: the seal timer closes a minute no later than one seal delay after this. */
  readonly stagedAt: number;
  /** The partition's position generation when it was staged (see `PartitionLedger.generation`); absent for 0. */
  readonly generation?: number;
}

/**
 * A record staged before, remembered by its position and a fingerprint of its content (key, body and
 * broker time): a record delivered again at that position with another fingerprint is not the same
 * record, so the partition's positions have started over.
 */
export interface PositionAnchor {
  readonly position: number;
  readonly fingerprint: string;
}

/**
 * Positions an earlier generation of the same log captured, when a consumer went back below where that
 * generation began (a group reset to the earliest offset of a capture that started at the latest): the
 * new generation captures what lies below and skips these, which are in the earlier one's objects.
 */
export interface CapturedPositions {
  readonly from: number;
  readonly through: number;
  /** The earlier generation's first record: meeting another record there means a new log after all. */
  readonly anchor: PositionAnchor;
}

/** An object whose content is decided (its segments, in order) but that may not be visible yet. */
export interface PendingObject {
  readonly kind: ObjectKind;
  readonly minute: number;
  readonly late: boolean;
  readonly encoding: string;
  readonly segments: readonly LedgerSegment[];
  /**
   * The object's name, decided with its content: a deploy that changes the layout between deciding
   * and publishing must not publish the same records under a second name.
   */
  readonly path: string;
}

/** What names an object: everything of a pending object but its name. */
export type ObjectDecision = Omit<PendingObject, 'path'>;

/**
 * The state of one (topic, partition): the single source of truth for what has been staged and what
 * is sealed. It changes only by compare-and-set, so concurrent writers (a redelivery on another
 * instance, the seal timer) never both win.
 *
 * Invariant: every record with position <= `stagedThrough` is in exactly one segment that is either
 * `open`, part of a `pending` object, or part of an object already visible.
 */
export interface PartitionLedger {
  /**
   * Starts at 0 and grows each time the partition's positions start over (a topic or event hub
   * recreated, a log truncated): objects of a later generation carry it in their names, so they never
   * collide with an earlier generation's objects at the same positions. Every field below speaks of
   * the current generation.
   */
  readonly generation: number;
  readonly stagedThrough: number;
  /** Highest record time staged (broker or body time): drives sealing while records flow. */
  readonly maxRecordTime: number | null;
  /** Every minute <= this is closed: its records are sealed, and new ones for it go to late objects. */
  readonly closedThrough: number | null;
  readonly open: readonly LedgerSegment[];
  readonly pending: readonly PendingObject[];
  /** Highest usable broker time staged: a record behind `stagedThrough` with a newer one was never staged. */
  readonly brokerTimeThrough: number | null;
  /** The generation's first staged record: a delivery below it was never staged in this generation. */
  readonly firstStaged: PositionAnchor | null;
  /** A few recently staged records (first and last of each batch), the newest last. */
  readonly anchors: readonly PositionAnchor[];
  readonly captured: CapturedPositions | null;
  /**
   * Positions up to which an operator confirmed that records delivered again are redeliveries
   * (`npm run invoke -- resolve-positions --as redelivery`), when the evidence could not tell.
   */
  readonly redeliveryConfirmedThrough: number | null;
}

export const EMPTY_LEDGER: PartitionLedger = {
  generation: 0,
  stagedThrough: -1,
  maxRecordTime: null,
  closedThrough: null,
  open: [],
  pending: [],
  brokerTimeThrough: null,
  firstStaged: null,
  anchors: [],
  captured: null,
  redeliveryConfirmedThrough: null,
};

/** Anchors kept: enough to cover the batches a platform may redeliver after a failure, small in the ledger. */
export const KEPT_ANCHORS = 16;

/** What a staging proves beside its segments: the records it remembers and the newest broker time. */
export interface StagedEvidence {
  /** The staged records to remember, in position order (the batch's first and last, say). */
  readonly anchors: readonly PositionAnchor[];
  /** Highest usable broker time among the staged records; null when none had one. */
  readonly brokerTime: number | null;
}

/** Records newly staged segments. Segments must hold only positions above `stagedThrough`. */
export function recordStaged(
  ledger: PartitionLedger,
  segments: readonly LedgerSegment[],
  stagedThrough: number,
  maxRecordTime: number,
  evidence: StagedEvidence = { anchors: [], brokerTime: null },
): PartitionLedger {
  if (segments.length === 0) return ledger;
  const brokerTimeThrough =
    evidence.brokerTime === null
      ? ledger.brokerTimeThrough
      : Math.max(ledger.brokerTimeThrough ?? evidence.brokerTime, evidence.brokerTime);
  const through = Math.max(ledger.stagedThrough, stagedThrough);
  return {
    ...ledger,
    stagedThrough: through,
    maxRecordTime: Math.max(ledger.maxRecordTime ?? maxRecordTime, maxRecordTime),
    open: [...ledger.open, ...segments],
    brokerTimeThrough,
    firstStaged: ledger.firstStaged ?? evidence.anchors[0] ?? null,
    anchors: [...ledger.anchors, ...evidence.anchors].slice(-KEPT_ANCHORS),
    // Past the earlier generation's positions, nothing is left to skip.
    captured: ledger.captured !== null && through >= ledger.captured.through ? null : ledger.captured,
  };
}

/**
 * Starts the next generation of a partition whose positions started over: every open minute of the
 * current generation is closed first (its objects keep the generation they were staged in), then
 * positions count again from nothing. `captured` is what the new generation must not capture again
 * (see `CapturedPositions`); null for a log that is new.
 */
export function startGeneration(
  ledger: PartitionLedger,
  pathOf: (object: ObjectDecision) => string,
  captured: CapturedPositions | null,
): PartitionLedger {
  const newestOpen = ledger.open.reduce<number | null>(
    (newest, segment) => (newest === null ? segment.minute : Math.max(newest, segment.minute)),
    null,
  );
  const closed = newestOpen === null ? ledger : closeMinutes(ledger, newestOpen, pathOf);
  return {
    ...closed,
    generation: ledger.generation + 1,
    stagedThrough: -1,
    brokerTimeThrough: null,
    firstStaged: null,
    anchors: [],
    captured,
    redeliveryConfirmedThrough: null,
  };
}

/**
 * Closes every minute up to `throughMinute`: the open segments of each closed (kind, minute, encoding)
 * become one pending object, in position order. An object is late when its minute was already closed
 * before this call, which can only happen to records that arrived after their minute was sealed.
 */
export function closeMinutes(
  ledger: PartitionLedger,
  throughMinute: number,
  pathOf: (object: ObjectDecision) => string,
): PartitionLedger {
  const previous = ledger.closedThrough;
  const through = Math.max(previous ?? throughMinute, throughMinute);
  const closing = ledger.open.filter((segment) => segment.minute <= through);
  if (closing.length === 0 && through === previous) return ledger;
  const groups = new Map<string, LedgerSegment[]>();
  for (const segment of closing) {
    const key = `${segment.generation ?? 0}|${segment.kind}|${segment.minute}|${segment.encoding}`;
    const group = groups.get(key);
    if (group) group.push(segment);
    else groups.set(key, [segment]);
  }
  const sealed = [...groups.values()].map((segments): PendingObject => {
    const ordered = [...segments].sort((a, b) => a.first - b.first);
    const [head] = ordered as [LedgerSegment, ...LedgerSegment[]];
    const decision: ObjectDecision = {
      kind: head.kind,
      minute: head.minute,
      late: previous !== null && head.minute <= previous,
      encoding: head.encoding,
      segments: ordered,
    };
    return { ...decision, path: pathOf(decision) };
  });
  return {
    ...ledger,
    closedThrough: through,
    open: ledger.open.filter((segment) => segment.minute > through),
    pending: [...ledger.pending, ...sealed],
  };
}

/** Forgets pending objects that are now visible; an object's path is its identity, across generations too. */
export function forgetPublished(
  ledger: PartitionLedger,
  published: readonly PendingObject[],
): PartitionLedger {
  const done = new Set(published.map((object) => object.path));
  return { ...ledger, pending: ledger.pending.filter((object) => !done.has(object.path)) };
}

/**
 * Open segments a partition may hold before its oldest minutes are sealed early. Every batch rewrites
 * the ledger, which must stay far below the 1 MiB an Azure Table entity holds: a segment is about 190
 * characters of JSON, stored as UTF-16, so about 380 bytes; 1000 of them leave room for the pending
 * objects they become in the same write. Records that arrive later for a minute sealed this way go to
 * a late object, as any late record.
 */
export const MAX_OPEN_SEGMENTS = 1000;

/**
 * The minute up to which records that have moved on close the partition: a minute is done once a
 * record at least one seal delay past its end has been staged. Beyond {@link MAX_OPEN_SEGMENTS}, the
 * oldest minutes close too.
 */
export function ingestionSealFrontier(ledger: PartitionLedger, sealDelayMs: number): number | null {
  const byTime = ledger.maxRecordTime === null ? null : lastSealableMinute(ledger.maxRecordTime, sealDelayMs);
  const bySize = capacityFrontier(ledger.open);
  return byTime === null ? bySize : bySize === null ? byTime : Math.max(byTime, bySize);
}

/** The lowest minute whose closing (with all before it) leaves at most MAX_OPEN_SEGMENTS open. */
function capacityFrontier(open: readonly LedgerSegment[]): number | null {
  if (open.length <= MAX_OPEN_SEGMENTS) return null;
  const minutes = open.map((segment) => segment.minute).sort((a, b) => a - b);
  return minutes[open.length - MAX_OPEN_SEGMENTS - 1] ?? null;
}

/**
 * The minute up to which the seal timer closes a partition that no record will close: every open
 * minute up to it ended a seal delay ago, and its first segment waited a seal delay too. The second
 * condition keeps the timer from cutting a minute that a backlog is still delivering, while still
 * bounding how long any staged record stays invisible.
 */
export function timerSealFrontier(ledger: PartitionLedger, now: number, sealDelayMs: number): number | null {
  const byClock = lastSealableMinute(now, sealDelayMs);
  const firstStaged = new Map<number, number>();
  for (const segment of ledger.open) {
    firstStaged.set(
      segment.minute,
      Math.min(firstStaged.get(segment.minute) ?? segment.stagedAt, segment.stagedAt),
    );
  }
  let frontier: number | null = null;
  for (const minute of [...firstStaged.keys()].sort((a, b) => a - b)) {
    const waited = (firstStaged.get(minute) ?? now) + sealDelayMs <= now;
    if (minute > byClock || !waited) break;
    frontier = minute;
  }
  return frontier;
}
