import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { cutSegments, orderedUniqueByPosition, type SegmentDraft } from '../batcher.js';
import type { EncodedRecord } from '../encode/encodedRecord.js';
import { deadLetterEncodingOf, encodingOf } from '../encode/encodings.js';
import { createRecordEncoder } from '../encode/recordEncoder.js';
import { segmentBody } from '../encode/segmentBody.js';
import { ConfigError, TopicMismatchError } from '../errors.js';
import { closeMinutes, ingestionSealFrontier, type LedgerSegment, recordStaged } from '../ledger.js';
import { objectPathOf, stagingPath } from '../paths/lakePaths.js';
import {
  anchorsOf,
  type DeliveredPosition,
  deliveredPositionOf,
  farAheadTimesOf,
} from '../positionEvidence.js';
import type { CaptureRecord } from '../record.js';
import { MAX_FUTURE_SKEW_MS, minuteStartMs } from '../time.js';
import type { CaptureContext } from './context.js';
import { assertLedgerNotLost } from './ledgerLoss.js';
import { updateLedger } from './ledgerUpdate.js';
import { type PositionRestart, sortOutPositions } from './positions.js';
import { publishPending } from './publishPending.js';
import { addSummary, type CaptureSummary, emptySummary, withPartitionFigures } from './summary.js';

/**
 * Segments compressed and staged at once in this process, over every partition of every batch in
 * flight: memory holds at most this many segments (each up to maxSegmentBytes before compression)
 * beside the batches themselves, however many partitions and minutes they span. Four matches
 * libuv's default threadpool, where compression runs.
 */
const stageLimit = pLimit(4);

/**
 * Captures one delivered batch: every record ends in exactly one staged segment recorded in its
 * partition's ledger, and every minute the records have moved past is sealed. Resolves only when
 * that is durable, so the platform may checkpoint; throws a retriable error otherwise, so the
 * platform delivers the batch again (redelivered records are recognised and skipped).
 */
export async function ingestBatch(
  context: CaptureContext,
  records: readonly CaptureRecord[],
  listener: IngestListener = {},
): Promise<CaptureSummary> {
  assertOneTopic(context.topic.name, records);
  const arrivalTime = context.clock();
  const encode = createRecordEncoder(context.topic, arrivalTime);
  const byPartition = new Map<string, EncodedDelivery[]>();
  let arrivalTimeFallbacks = 0;
  for (const delivered of await decodedIfFramed(context, records)) {
    // A record without a usable broker time (none, or from a clock far ahead) is placed by when it
    // arrived, as a wall-clock partitioner would.
    const usable = delivered.brokerTime <= arrivalTime + MAX_FUTURE_SKEW_MS;
    if (!usable) arrivalTimeFallbacks++;
    const record = usable ? delivered : { ...delivered, brokerTime: arrivalTime };
    // The batch stays in memory until it is staged, and every collection meanwhile copies each
    // object a record keeps: so one object carries it, encoding included, to the end. A repeated
    // position is encoded too, then dropped with its object.
    const delivery: EncodedDelivery = {
      record,
      delivered: deliveredPositionOf(delivered, arrivalTime),
      encoded: encode(record),
    };
    const list = byPartition.get(record.partition);
    if (list) list.push(delivery);
    else byPartition.set(record.partition, [delivery]);
  }
  const parts = await Promise.all(
    [...byPartition].map(([partition, list]) =>
      ingestPartition(
        context,
        partition,
        orderedUniqueByPosition(list, ({ record }) => record.position),
        listener,
      ),
    ),
  );
  const total = parts.reduce(addSummary, emptySummary());
  total.arrivalTimeFallbacks = arrivalTimeFallbacks;
  return total;
}

/**
 * A registry topic's records decoded with their writer schemas, before anything is staged: a
 * registry that cannot be asked fails the batch here, so its partitions wait and nothing is
 * dead-lettered for an outage.
 */
async function decodedIfFramed(
  context: CaptureContext,
  records: readonly CaptureRecord[],
): Promise<readonly CaptureRecord[]> {
  if (context.topic.registry === undefined) return records;
  if (context.decoder === undefined) {
    throw new ConfigError(
      `topic "${context.topic.name}" has a registry but the function was started without its decoder`,
    );
  }
  return context.decoder.decodeBatch(records, context.store.objects);
}

/** What an ingestion tells its caller while it runs, beside the summary it returns. */
export interface IngestListener {
  /** A partition's positions started over and its new generation is durable (see `sortOutPositions`). */
  readonly positionsRestarted?: (restart: PositionRestart) => void;
}

/**
 * A delivered record as the pipeline places it, as the position judge sees it, and encoded, carried
 * through the sorting of positions.
 */
interface EncodedDelivery {
  readonly record: CaptureRecord;
  readonly delivered: DeliveredPosition;
  readonly encoded: EncodedRecord;
}

async function ingestPartition(
  context: CaptureContext,
  partition: string,
  encodedDeliveries: readonly EncodedDelivery[],
  listener: IngestListener,
): Promise<CaptureSummary> {
  const { topic, clock } = context;
  const records = encodedDeliveries.map(({ record }) => record);
  // Dead letters are JSON lines whatever the format, so the two kinds are cut into segments apart.
  const dataEncoding = encodingOf(topic);
  const deadLetterEncoding = deadLetterEncodingOf(topic);
  const sealDelayMs = topic.sealDelaySeconds * 1000;
  const pathOf = objectPathOf(topic, partition);
  // Staged segments by coordinates: a retry after a ledger conflict compresses and stages nothing twice.
  const staged = new Map<string, LedgerSegment>();
  let fresh: readonly EncodedRecord[] = [];
  let segments: readonly LedgerSegment[] = [];
  let restart: PositionRestart | null = null;

  const { state, conflicts } = await updateLedger(
    context,
    partition,
    async (current) => {
      const sorted = sortOutPositions(current, encodedDeliveries, { topic: topic.name, partition }, pathOf);
      restart = sorted.restart;
      fresh = sorted.fresh.map(({ encoded }) => encoded);
      const generation = sorted.state.generation;
      const now = clock();
      const drafts = [
        ...cutSegments(
          fresh.filter((record) => record.kind === 'data'),
          dataEncoding,
          topic.maxSegmentBytes,
        ),
        ...cutSegments(
          fresh.filter((record) => record.kind === 'deadletter'),
          deadLetterEncoding,
          topic.maxSegmentBytes,
        ),
      ];
      segments = await allOrFirstError(
        drafts.map((draft) =>
          stageLimit(() => stageOnce(context, partition, { ...draft, generation }, now, staged)),
        ),
      );
      const lastFresh = fresh.at(-1);
      const maxWatermark = fresh.reduce((max, record) => Math.max(max, record.watermarkTime), 0);
      const stagedDeliveries = sorted.fresh.map(({ delivered }) => delivered);
      const withStaged = lastFresh
        ? recordStaged(sorted.state, segments, lastFresh.position, maxWatermark, {
            anchors: anchorsOf(stagedDeliveries),
            brokerTime: stagedDeliveries.reduce<number | null>(
              (max, { brokerTime }) =>
                brokerTime === null ? max : max === null ? brokerTime : Math.max(max, brokerTime),
              null,
            ),
            farAheadTimes: farAheadTimesOf(stagedDeliveries),
            positions: stagedDeliveries.map(({ position }) => position),
          })
        : sorted.state;
      const frontier = ingestionSealFrontier(withStaged, sealDelayMs);
      const next = frontier === null ? withStaged : closeMinutes(withStaged, frontier, pathOf);
      return next === current ? null : next;
    },
    () =>
      assertLedgerNotLost(context, partition, {
        firstPosition: records[0]?.position ?? 0,
        recordTimes: encodedDeliveries.map(({ encoded }) => minuteStartMs(encoded.minute)),
      }),
  );
  // Assigned by the ledger decision above, which the compiler does not follow into the callback.
  const committedRestart = restart as PositionRestart | null;
  // Told as soon as the new generation is durable: if sealing fails next, the restart is reported all the same.
  if (committedRestart) listener.positionsRestarted?.(committedRestart);
  const published = await publishPending(context, partition, state.pending);

  const summary = emptySummary();
  summary.partitions = 1;
  summary.records = records.length;
  summary.redelivered = records.length - fresh.length;
  if (committedRestart) summary.positionRestarts = [committedRestart];
  summary.bytesIn = records.reduce((sum, record) => sum + record.body.length, 0);
  const oldest = records.reduce((min, record) => Math.min(min, record.brokerTime), Number.POSITIVE_INFINITY);
  summary.lagMs = records.length > 0 ? Math.max(0, clock() - oldest) : null;
  summary.segmentsStaged = segments.length;
  summary.bytesOut = segments.reduce((sum, segment) => sum + segment.bytes, 0);
  for (const record of fresh) {
    if (record.reason) summary.deadLetters[record.reason] = (summary.deadLetters[record.reason] ?? 0) + 1;
    if (record.timeFellBack) summary.timeFallbacks++;
  }
  summary.objectsSealed = published.created;
  summary.lateObjectsSealed = published.lateCreated;
  summary.ledgerConflicts = conflicts + published.conflicts;
  return withPartitionFigures(partition, summary);
}

/**
 * Like Promise.all, but settles only when every staging has: a failed invocation must not leave its
 * queued segments compressing and staging after it returned.
 */
async function allOrFirstError<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

async function stageOnce(
  context: CaptureContext,
  partition: string,
  draft: SegmentDraft & { readonly generation: number },
  now: number,
  staged: Map<string, LedgerSegment>,
): Promise<LedgerSegment> {
  const key = `${draft.generation}|${draft.kind}|${draft.minute}|${draft.first}|${draft.last}`;
  const known = staged.get(key);
  if (known) return known;
  const body = await segmentBody(context.topic, partition, draft);
  const segment: LedgerSegment = {
    kind: draft.kind,
    minute: draft.minute,
    first: draft.first,
    last: draft.last,
    records: draft.records,
    bytes: body.length,
    encoding: draft.encoding,
    digest: createHash('sha256').update(body).digest('hex').slice(0, 16),
    stagedAt: now,
    ...(draft.generation > 0 ? { generation: draft.generation } : {}),
  };
  await context.store.objects.stage(stagingPath(context.topic.name, partition, segment), body);
  staged.set(key, segment);
  return segment;
}

/**
 * Records of another topic must not reach this topic's ledgers: their offsets would pass for this
 * topic's positions, and this topic's records at lower offsets for redeliveries. The batch is
 * refused whole, holding the partition, until the trigger reads the right topic.
 */
function assertOneTopic(topic: string, records: readonly CaptureRecord[]): void {
  const stranger = records.find(
    (record) => record.deliveredTopic !== undefined && record.deliveredTopic !== topic,
  );
  if (stranger === undefined) return;
  throw new TopicMismatchError(
    `records of topic "${stranger.deliveredTopic}" (partition ${stranger.partition}, offset ${stranger.offset}) reached the capture of topic "${topic}": the trigger or event source mapping reads another topic. Point it at "${topic}" (or add a topic of that name to the config); nothing of this batch was captured`,
  );
}
