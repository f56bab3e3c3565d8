import { createHash } from 'node:crypto';
import { inGap, type PartitionLedger, type PositionAnchor } from './ledger.js';
import type { CaptureRecord } from './record.js';

/**
 * A delivered record as the position judge sees it: its position, its broker time when it can serve
 * as evidence (see `evidenceTimeOf`; null otherwise), the broker time it came with when that was too
 * far ahead to (null otherwise), and its fingerprint, computed only when asked.
 */
export interface DeliveredPosition {
  readonly position: number;
  readonly brokerTime: number | null;
  readonly farAheadTime: number | null;
  fingerprint(): string;
}

/**
 * What a batch's records behind the ledger (positions it has staged already) are:
 *
 * - `redelivery`: records staged before, delivered again (a retry, a lost checkpoint, a rebalance, a
 *   group reset to offsets already captured): skipped, as always.
 * - `restart`: the positions started over (a topic or event hub recreated, a log truncated after an
 *   unclean leader election): from `from` (an index into the batch) the records are new and go to a
 *   new generation.
 * - `backfill`: a consumer went back below where this generation's capture began (a group reset to
 *   the earliest offset of a capture that started at the latest): the records below are new, those
 *   from the generation's first position on are redeliveries.
 * - `ambiguous`: neither can be proven; the partition holds until an operator says which
 *   (`npm run invoke -- resolve-positions`).
 */
export type BehindVerdict =
  | { readonly kind: 'redelivery' }
  | { readonly kind: 'restart'; readonly from: number; readonly evidence: string }
  | { readonly kind: 'backfill'; readonly evidence: string }
  | { readonly kind: 'ambiguous'; readonly evidence: string };

/**
 * Judges a partition's batch (unique positions, in order) against its ledger. A redelivered record
 * is one that was staged before, so it carries the same content and broker time it had then; the
 * judge looks for proof that a record behind the ledger (and not in one of its gaps, which were never
 * staged) is not such a record:
 *
 * - a remembered record (an anchor) at the same position whose fingerprint differs;
 * - a usable broker time newer than every broker time this generation staged.
 *
 * With proof, the records from just after the last one proven old (an anchor that matched) are new:
 * a record between that one and the proof may be old, but counting it new can only duplicate it,
 * where counting a new record old would lose it. Without proof the records are redeliveries, unless
 * the batch reaches below the generation's first staged position (where known, and past what the
 * generation knows to be the old one's): then they were never staged here, which is a backfill when
 * their broker times are older than what was staged, and cannot be told from a new log otherwise.
 */
export function judgeBehind(ledger: PartitionLedger, batch: readonly DeliveredPosition[]): BehindVerdict {
  const behind = batch.filter(
    (record) => record.position <= ledger.stagedThrough && !inGap(ledger, record.position),
  );
  if (behind.length === 0) return { kind: 'redelivery' };
  const anchors = new Map(ledger.anchors.map((anchor) => [anchor.position, anchor.fingerprint]));
  if (ledger.firstStaged) anchors.set(ledger.firstStaged.position, ledger.firstStaged.fingerprint);
  let lastProvenOld = -1;
  for (const [index, record] of behind.entries()) {
    const proof = proofOfNewRecord(ledger, anchors, record);
    if (proof !== undefined) return { kind: 'restart', from: lastProvenOld + 1, evidence: proof };
    if (anchors.has(record.position)) lastProvenOld = index;
  }
  const first = ledger.firstStaged?.position;
  const confirmed = ledger.redeliveryConfirmedThrough ?? -1;
  const below =
    first === undefined
      ? []
      : behind.filter((record) => record.position < first && record.position > confirmed);
  if (below.length === 0) return { kind: 'redelivery' };
  const span = `positions ${below[0]?.position} to ${below.at(-1)?.position}, below ${first}, the first this generation staged`;
  const older = below.every(
    (record) =>
      record.brokerTime !== null &&
      ledger.brokerTimeThrough !== null &&
      record.brokerTime <= ledger.brokerTimeThrough,
  );
  return older
    ? { kind: 'backfill', evidence: `${span}, with broker times no newer than what was staged` }
    : { kind: 'ambiguous', evidence: `${span}, without broker times that tell a backfill from a new log` };
}

/**
 * What proves a record behind the ledger was never staged, in words; undefined when nothing does.
 * A far-ahead time the generation staged is no proof: that record, delivered again once its time
 * counts, is the same record.
 */
function proofOfNewRecord(
  ledger: PartitionLedger,
  anchors: ReadonlyMap<number, string>,
  record: DeliveredPosition,
): string | undefined {
  const remembered = anchors.get(record.position);
  if (remembered !== undefined && remembered !== record.fingerprint())
    return `the record at position ${record.position} is not the one staged there`;
  const { brokerTime } = record;
  if (
    brokerTime !== null &&
    ledger.brokerTimeThrough !== null &&
    brokerTime > ledger.brokerTimeThrough &&
    !ledger.farAheadTimes.includes(brokerTime)
  )
    return `the record at position ${record.position} has broker time ${iso(brokerTime)}, newer than any staged (${iso(ledger.brokerTimeThrough)})`;
  return undefined;
}

/** How far ahead of arrival a broker time may be and still count as evidence: a skewed clock, not a typo. */
const EVIDENCE_SKEW_MS = 86_400_000;

/**
 * A broker time that can serve as evidence: finite and at most a day ahead of arrival. A producer's
 * clock minutes ahead still counts (its record, delivered again, has the same time); one years ahead
 * would make every later record look old, so it is left out.
 */
export function evidenceTimeOf(deliveredBrokerTime: number, arrivalTime: number): number | null {
  return Number.isFinite(deliveredBrokerTime) && deliveredBrokerTime <= arrivalTime + EVIDENCE_SKEW_MS
    ? deliveredBrokerTime
    : null;
}

/** A delivered record as the judge sees it (see `DeliveredPosition`), given when it arrived. */
export function deliveredPositionOf(record: CaptureRecord, arrivalTime: number): DeliveredPosition {
  return new RecordPosition(record, evidenceTimeOf(record.brokerTime, arrivalTime));
}

/**
 * The fingerprint is a method rather than a closure: an invocation holds one of these per record it
 * was given, and a closure would add a function and its context to each. The record is a private
 * field, so a position spread, compared or serialized stays its three fields, not the body.
 */
class RecordPosition implements DeliveredPosition {
  readonly #record: CaptureRecord;
  readonly position: number;
  readonly farAheadTime: number | null;

  constructor(
    record: CaptureRecord,
    readonly brokerTime: number | null,
  ) {
    this.#record = record;
    this.position = record.position;
    this.farAheadTime = brokerTime === null && Number.isFinite(record.brokerTime) ? record.brokerTime : null;
  }

  fingerprint(): string {
    return fingerprintOf(this.#record, this.#record.brokerTime);
  }
}

/**
 * A record's fingerprint: its key, body and broker time as delivered, hashed. Nothing that depends on
 * when it arrived: a redelivery arrives later, yet is the same record.
 */
export function fingerprintOf(record: CaptureRecord, deliveredBrokerTime: number): string {
  const hash = createHash('sha256');
  hash.update(record.key === null ? 'k-' : `k${record.key.length}:`);
  if (record.key !== null) hash.update(record.key);
  hash.update(`b${record.body.length}:`);
  hash.update(record.body);
  hash.update(`t${deliveredBrokerTime}`);
  return hash.digest('base64url').slice(0, 16);
}

/** Far-ahead broker times among staged records (see `StagedEvidence`). */
export function farAheadTimesOf(staged: readonly DeliveredPosition[]): number[] {
  return staged.flatMap(({ farAheadTime }) => (farAheadTime === null ? [] : [farAheadTime]));
}

/** The anchors a staged batch leaves: its first and last new records. */
export function anchorsOf(staged: readonly DeliveredPosition[]): PositionAnchor[] {
  const first = staged[0];
  const last = staged.at(-1);
  if (first === undefined || last === undefined) return [];
  const anchors = [{ position: first.position, fingerprint: first.fingerprint() }];
  if (last !== first) anchors.push({ position: last.position, fingerprint: last.fingerprint() });
  return anchors;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
