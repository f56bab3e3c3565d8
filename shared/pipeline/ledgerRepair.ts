import { listRawObjectsOfHour } from '../compaction/rawObjects.js';
import type { TopicConfig } from '../config/schema.js';
import type { ObjectKind } from '../coordinates.js';
import { openCaptureContainer } from '../encode/captureReader.js';
import { decompressObject } from '../encode/decompress.js';
import { CaptureError } from '../errors.js';
import { EMPTY_LEDGER, type LedgerSegment, type PartitionLedger } from '../ledger.js';
import { stagingPartitionFolder } from '../paths/lakePaths.js';
import { generationInPath } from '../paths/layoutPath.js';
import { MINUTE_MS } from '../time.js';
import type { CaptureContext } from './context.js';

const HOUR_MS = 60 * MINUTE_MS;

/** What a rebuilt ledger rests on, for the operator to check before trusting it. */
export interface LedgerRebuild {
  readonly state: PartitionLedger;
  /** Staged segments the rebuilt ledger names as open: records that were staged and never sealed. */
  readonly openSegments: number;
  /** Staged files left out: segments another attempt staged for the same positions, Avro headers. */
  readonly leftOut: number;
  /** The newest visible objects read to find the positions already captured. */
  readonly objectsRead: readonly string[];
  /** True when the last position came from a count of records rather than from the records themselves. */
  readonly positionsCounted: boolean;
}

/**
 * Rebuilds a lost ledger from what the lake holds, for `npm run invoke -- repair-ledger`:
 *
 * - its staged segments (names carry generation, kind, minute, first and last position) become the
 *   open segments, one per position range;
 * - its newest visible objects, looked for from the newest staged minute (or `now`) back `hours`
 *   hours, give the generation, the minutes already closed and the last position captured.
 *
 * The last position is read from the records where they carry it (envelopes, dead letters, Capture's
 * `SequenceNumber`); otherwise it is counted (first position + records - 1), which is exact for
 * positions without gaps (Event Hubs) and can only fall short on Kafka topics with offset gaps: the
 * records between would be captured again, never lost.
 */
export async function rebuildLedger(
  context: CaptureContext,
  partition: string,
  options: { readonly now: number; readonly hours: number },
): Promise<LedgerRebuild> {
  const { topic, store } = context;
  const staged = (await store.objects.list(`${stagingPartitionFolder(topic.name, partition)}/`))
    .map(parseStagedSegment)
    .filter((segment): segment is LedgerSegment => segment !== null)
    .sort((a, b) => (a.generation ?? 0) - (b.generation ?? 0) || a.first - b.first);
  const open = nonOverlapping(staged);
  const newestStaged = Math.max(...staged.map((segment) => segment.minute * MINUTE_MS), options.now);
  const fromHour = Math.floor(newestStaged / HOUR_MS);
  const objects: { path: string; kind: ObjectKind; minute: number }[] = [];
  for (let hour = fromHour; hour > fromHour - options.hours && objects.length === 0; hour--) {
    for (const kind of ['data', 'deadletter'] as const) {
      const found = await listRawObjectsOfHour(store.objects, topic, hour, [partition], kind);
      objects.push(...found.map(({ path, minute }) => ({ path, kind, minute })));
    }
  }
  const generation = Math.max(
    0,
    ...objects.map(({ path }) => generationInPath(path)),
    ...open.map((segment) => segment.generation ?? 0),
  );
  let stagedThrough = Math.max(
    -1,
    ...open.filter((s) => (s.generation ?? 0) === generation).map((s) => s.last),
  );
  let positionsCounted = false;
  const newest = objects.filter(({ path }) => generationInPath(path) === generation);
  for (const object of newest) {
    const read = lastPositionOf(topic, object.path, object.kind, await store.objects.read(object.path));
    stagedThrough = Math.max(stagedThrough, read.last);
    positionsCounted ||= read.counted;
  }
  const closedMinute = Math.max(...newest.map(({ minute }) => minute));
  return {
    state: {
      ...EMPTY_LEDGER,
      generation,
      stagedThrough,
      closedThrough: Number.isFinite(closedMinute) ? closedMinute : null,
      maxRecordTime: open.length === 0 ? null : Math.max(...open.map((s) => (s.minute + 1) * MINUTE_MS - 1)),
      open: open.filter((segment) => (segment.generation ?? 0) === generation),
    },
    openSegments: open.length,
    leftOut: staged.length - open.length,
    objectsRead: newest.map(({ path }) => path),
    positionsCounted,
  };
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

/** The last position an object holds: read from its records, or counted from its first one. */
function lastPositionOf(
  topic: TopicConfig,
  path: string,
  kind: ObjectKind,
  bytes: Buffer,
): { last: number; counted: boolean } {
  if (kind === 'data' && topic.format === 'avro-capture') {
    let last = -1;
    for (const block of openCaptureContainer(bytes, path).blocks())
      for (const { record } of block) last = Math.max(last, record.SequenceNumber);
    return { last, counted: false };
  }
  const text = decompressObject(path, bytes);
  if (kind === 'data' && topic.format === 'raw') {
    const first = firstPositionInPath(path);
    const records =
      topic.raw.delimiter === 'length-prefixed'
        ? lengthPrefixedCount(text)
        : text.toString('utf8').split('\n').length - 1;
    return { last: first + records - 1, counted: true };
  }
  const lines = text
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
  const envelope = kind === 'deadletter' || topic.jsonl.envelope;
  if (!envelope) return { last: firstPositionInPath(path) + lines.length - 1, counted: true };
  let last = -1;
  for (const line of lines) {
    const position = (JSON.parse(line) as { position?: unknown }).position;
    if (typeof position === 'number') last = Math.max(last, position);
  }
  return { last, counted: false };
}

function lengthPrefixedCount(bytes: Buffer): number {
  let count = 0;
  for (let at = 0; at + 4 <= bytes.length; at += 4 + bytes.readUInt32BE(at)) count++;
  return count;
}

/** The position an object's name starts its records at: the digits before its extensions. */
function firstPositionInPath(path: string): number {
  const found = /(\d{10,20})(\.late)?(\.[A-Za-z0-9]+)+$/.exec(path);
  if (found === null)
    throw new CaptureError(`cannot read the first position from the name of ${path}`, { retriable: false });
  return Number(found[1]);
}
