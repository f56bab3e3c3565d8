import { listRawObjectsOfHour } from '../compaction/rawObjects.js';
import type { TopicConfig } from '../config/schema.js';
import type { ObjectKind } from '../coordinates.js';
import { openCaptureContainer } from '../encode/captureReader.js';
import { decompressObject } from '../encode/decompress.js';
import { CaptureError } from '../errors.js';
import { EMPTY_LEDGER, type LedgerSegment, type PartitionLedger } from '../ledger.js';
import { stagingPartitionFolder } from '../paths/lakePaths.js';
import { generationInPath } from '../paths/layoutPath.js';
import type { ObjectStore } from '../store.js';
import { MINUTE_MS } from '../time.js';
import type { CaptureContext } from './context.js';

const HOUR_MS = 60 * MINUTE_MS;

/** What a rebuilt ledger rests on, for the operator to check before trusting it. */
export interface LedgerRebuild {
  readonly state: PartitionLedger;
  /** Staged files left out: copies of records a visible object holds, another attempt's copies, headers. */
  readonly leftOut: number;
  /** Staged segments a visible object holds: safe to delete, as a finished seal would have. */
  readonly heldByObjects: readonly string[];
  /** The object the last position captured was read from, if any. */
  readonly newestObject: string | null;
  /** True when the last position was counted from records rather than read from them. */
  readonly positionsCounted: boolean;
}

/** A visible object of the partition, as far as its name tells. */
interface FoundObject {
  readonly path: string;
  readonly kind: ObjectKind;
  readonly minute: number;
  readonly generation: number;
  /** null for a name without a position (a Capture layout's main object of a minute). */
  readonly first: number | null;
}

/**
 * Rebuilds a lost ledger from what the lake holds, for `npm run invoke -- repair-ledger`:
 *
 * - the partition's raw and dead-letter objects of the last `hours` hours (from the newest staged
 *   minute, or `now`) give the generation, the minutes closed, and the last position captured: the
 *   newest generation's object with the highest first position holds it (a generation's objects
 *   hold disjoint positions), read from its records where they carry it (envelopes, dead letters,
 *   Capture's `SequenceNumber`), else counted (first + records - 1: exact without offset gaps; with
 *   gaps it falls short, and records after it would be captured twice, never lost);
 * - the staged segments become open segments, every generation's (an earlier one's are sealed under
 *   its own names), one per position range, leaving out those a visible object already holds (a
 *   publish whose clean-up did not finish).
 *
 * `stagedThrough` overrides the last position, for a topic whose names and records carry none (a
 * Capture layout with body-only lines): the operator reads it from the platform's checkpoint.
 */
export async function rebuildLedger(
  context: CaptureContext,
  partition: string,
  options: { readonly now: number; readonly hours: number; readonly stagedThrough?: number | undefined },
): Promise<LedgerRebuild> {
  const { topic, store } = context;
  const stagedPaths = new Map<LedgerSegment, string>();
  for (const path of await store.objects.list(`${stagingPartitionFolder(topic.name, partition)}/`)) {
    const segment = parseStagedSegment(path);
    if (segment !== null) stagedPaths.set(segment, path);
  }
  const staged = [...stagedPaths.keys()].sort(
    (a, b) => (a.generation ?? 0) - (b.generation ?? 0) || a.first - b.first,
  );
  const newestMinute = Math.max(...staged.map((segment) => segment.minute), options.now / MINUTE_MS);
  const objects = await partitionObjects(store.objects, topic, partition, {
    fromHour: Math.floor((newestMinute * MINUTE_MS) / HOUR_MS),
    hours: options.hours,
  });
  const generation = Math.max(
    0,
    ...objects.map((object) => object.generation),
    ...staged.map((segment) => segment.generation ?? 0),
  );
  const ranges = new ObjectRanges(store.objects, topic);
  const unique = nonOverlapping(staged);
  const open = await notYetVisible(unique, objects, ranges);
  const current = objects.filter((object) => object.generation === generation);
  const newest = await newestOf(current, ranges);
  const counted = newest === null ? null : await ranges.of(newest);
  let stagedThrough = Math.max(
    -1,
    counted?.last ?? -1,
    ...open.filter((segment) => (segment.generation ?? 0) === generation).map((segment) => segment.last),
  );
  if (options.stagedThrough !== undefined) stagedThrough = options.stagedThrough;
  else if (counted === null && newest !== null)
    throw new CaptureError(
      `the records of ${newest.path} carry no positions and its name none either: read the last position the platform checkpointed for ${topic.name}/${partition} and run repair-ledger again with --staged-through <position>`,
      { retriable: false },
    );
  const closed = current.map((object) => object.minute);
  return {
    state: {
      ...EMPTY_LEDGER,
      generation,
      stagedThrough,
      closedThrough: closed.length === 0 ? null : Math.max(...closed),
      maxRecordTime: open.length === 0 ? null : Math.max(...open.map((s) => (s.minute + 1) * MINUTE_MS - 1)),
      open,
    },
    leftOut: staged.length - open.length,
    heldByObjects: unique
      .filter((segment) => !open.includes(segment))
      .map((segment) => stagedPaths.get(segment) ?? ''),
    newestObject: newest?.path ?? null,
    positionsCounted: counted?.counted ?? false,
  };
}

async function partitionObjects(
  objects: ObjectStore,
  topic: TopicConfig,
  partition: string,
  span: { readonly fromHour: number; readonly hours: number },
): Promise<FoundObject[]> {
  const found: FoundObject[] = [];
  for (let hour = span.fromHour; hour > span.fromHour - span.hours; hour--) {
    for (const kind of ['data', 'deadletter'] as const) {
      for (const { path, minute } of await listRawObjectsOfHour(objects, topic, hour, [partition], kind)) {
        found.push({
          path,
          kind,
          minute,
          generation: generationInPath(path),
          first: firstPositionInPath(path),
        });
      }
    }
  }
  return found;
}

/** The object holding a generation's last position: the highest first position, or one without a name's. */
async function newestOf(objects: readonly FoundObject[], ranges: ObjectRanges): Promise<FoundObject | null> {
  let newest: { object: FoundObject; first: number } | null = null;
  for (const object of objects) {
    const first = object.first ?? (await ranges.of(object))?.first ?? null;
    if (first === null) return object;
    if (newest === null || first > newest.first) newest = { object, first };
  }
  return newest?.object ?? null;
}

/** Staged segments a visible object of the same kind, minute and generation does not already hold. */
async function notYetVisible(
  segments: readonly LedgerSegment[],
  objects: readonly FoundObject[],
  ranges: ObjectRanges,
): Promise<LedgerSegment[]> {
  const kept: LedgerSegment[] = [];
  for (const segment of segments) {
    let held = false;
    for (const object of objects) {
      if (object.kind !== segment.kind || object.minute !== segment.minute) continue;
      if (object.generation !== (segment.generation ?? 0)) continue;
      const range = await ranges.of(object);
      if (range !== null && range.first <= segment.first && segment.last <= range.last) held = true;
    }
    if (!held) kept.push(segment);
  }
  return kept;
}

/** `_staging/<topic>/<partition>/[g<n>/]<kind>/<minute>/<first>-<last>-<digest><encoding>`. */
function parseStagedSegment(path: string): LedgerSegment | null {
  const found = /\/(?:g(\d+)\/)?(data|deadletter)\/(\d+)\/(\d{20})-(\d{20})-([0-9a-f]+)(\.[^/]+)$/.exec(path);
  if (found === null) return null;
  const [, generation, kind, minute, first, last, digest, encoding] = found;
  return {
    kind: kind as ObjectKind,
    minute: Number(minute),
    first: Number(first),
    last: Number(last),
    // Not known from the name; nothing decides by it but the figures of the object's line.
    records: Number(last) - Number(first) + 1,
    bytes: 0,
    encoding: encoding as string,
    digest: digest as string,
    stagedAt: 0,
    ...(generation === undefined ? {} : { generation: Number(generation) }),
  };
}

/** One segment per position range: two attempts may have staged the same records under two digests. */
function nonOverlapping(sorted: readonly LedgerSegment[]): LedgerSegment[] {
  const kept: LedgerSegment[] = [];
  for (const segment of sorted) {
    const previous = kept.at(-1);
    const sameGeneration = previous !== undefined && (previous.generation ?? 0) === (segment.generation ?? 0);
    if (sameGeneration && segment.first <= previous.last) continue;
    kept.push(segment);
  }
  return kept;
}

/** The positions objects hold, read once each: from their records, or counted from their names. */
class ObjectRanges {
  private readonly known = new Map<string, { first: number; last: number; counted: boolean } | null>();

  constructor(
    private readonly objects: ObjectStore,
    private readonly topic: TopicConfig,
  ) {}

  /** null when neither the records nor the name carry a position. */
  async of(object: FoundObject): Promise<{ first: number; last: number; counted: boolean } | null> {
    if (!this.known.has(object.path)) this.known.set(object.path, await this.read(object));
    return this.known.get(object.path) ?? null;
  }

  private async read(object: FoundObject): Promise<{ first: number; last: number; counted: boolean } | null> {
    const bytes = await this.objects.read(object.path);
    const positions = positionsIn(this.topic, object, bytes);
    if (positions.carried.length > 0)
      return { first: Math.min(...positions.carried), last: Math.max(...positions.carried), counted: false };
    if (object.first === null) return null;
    return { first: object.first, last: object.first + positions.records - 1, counted: true };
  }
}

/** The positions an object's records carry (none for body-only lines and raw bodies), and how many records. */
function positionsIn(
  topic: TopicConfig,
  object: FoundObject,
  bytes: Buffer,
): { carried: number[]; records: number } {
  if (object.kind === 'data' && topic.format === 'avro-capture') {
    const carried: number[] = [];
    for (const block of openCaptureContainer(bytes, object.path).blocks())
      for (const { record } of block) carried.push(record.SequenceNumber);
    return { carried, records: carried.length };
  }
  const text = decompressObject(object.path, bytes);
  if (object.kind === 'data' && topic.format === 'raw') {
    const records =
      topic.raw.delimiter === 'length-prefixed'
        ? lengthPrefixedCount(text)
        : text.toString('utf8').split('\n').length - 1;
    return { carried: [], records };
  }
  const lines = text
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
  if (object.kind === 'data' && !topic.jsonl.envelope) return { carried: [], records: lines.length };
  const carried = lines.flatMap((line) => {
    const position = (JSON.parse(line) as { position?: unknown }).position;
    return typeof position === 'number' ? [position] : [];
  });
  return { carried, records: lines.length };
}

function lengthPrefixedCount(bytes: Buffer): number {
  let count = 0;
  for (let at = 0; at + 4 <= bytes.length; at += 4 + bytes.readUInt32BE(at)) count++;
  return count;
}

/** The position an object's name starts its records at, or null for a name without one. */
function firstPositionInPath(path: string): number | null {
  const found = /(\d{10,20})(\.late)?(\.[A-Za-z0-9]+)+$/.exec(path);
  return found === null ? null : Number(found[1]);
}
