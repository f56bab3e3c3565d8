import { cutSegments, orderedUniqueByPosition, type SegmentDraft } from '../batcher.js';
import { compressMember } from '../encode/compress.js';
import { createRecordEncoder, type EncodedRecord } from '../encode/recordEncoder.js';
import { TransientStoreError } from '../errors.js';
import { closeMinutes, ingestionSealFrontier, type LedgerSegment, recordStaged } from '../ledger.js';
import { encodingOf, stagingPath } from '../naming.js';
import type { CaptureRecord } from '../record.js';
import type { CaptureContext } from './context.js';
import { backoff, LEDGER_ATTEMPTS, publishPending } from './publishPending.js';
import { addSummary, type CaptureSummary, emptySummary } from './summary.js';

/**
 * Captures one delivered batch: every record ends in exactly one staged segment recorded in its
 * partition's ledger, and every minute the records have moved past is sealed. Resolves only when
 * that is durable, so the platform may checkpoint; throws a retriable error otherwise, so the
 * platform delivers the batch again (redelivered records are recognised and skipped).
 */
export async function ingestBatch(
  context: CaptureContext,
  records: readonly CaptureRecord[],
): Promise<CaptureSummary> {
  const encode = createRecordEncoder(context.topic);
  const arrivalTime = context.clock();
  const byPartition = new Map<string, CaptureRecord[]>();
  for (const delivered of records) {
    // A record without a usable broker time is placed by when it arrived, like a wall-clock partitioner.
    const record = Number.isNaN(delivered.brokerTime) ? { ...delivered, brokerTime: arrivalTime } : delivered;
    const list = byPartition.get(record.partition);
    if (list) list.push(record);
    else byPartition.set(record.partition, [record]);
  }
  const parts = await Promise.all(
    [...byPartition].map(([partition, list]) =>
      ingestPartition(context, partition, orderedUniqueByPosition(list), encode),
    ),
  );
  const total = parts.reduce(addSummary, emptySummary());
  total.arrivalTimeFallbacks = records.filter((record) => Number.isNaN(record.brokerTime)).length;
  return total;
}

async function ingestPartition(
  context: CaptureContext,
  partition: string,
  records: readonly CaptureRecord[],
  encode: (record: CaptureRecord) => EncodedRecord,
): Promise<CaptureSummary> {
  const { topic, store, clock } = context;
  const encoded = records.map(encode);
  const encoding = encodingOf(topic);
  const sealDelayMs = topic.sealDelaySeconds * 1000;
  // Compressed segments by staging path: a retry after a ledger conflict stages nothing twice.
  const staged = new Map<string, LedgerSegment>();
  const summary = emptySummary();
  summary.partitions = 1;
  summary.records = records.length;
  summary.bytesIn = records.reduce((sum, record) => sum + record.body.length, 0);
  const oldest = records.reduce((min, record) => Math.min(min, record.brokerTime), Number.POSITIVE_INFINITY);
  summary.lagMs = records.length > 0 ? Math.max(0, clock() - oldest) : null;

  for (let attempt = 0; attempt < LEDGER_ATTEMPTS; attempt++) {
    const { state, version } = await store.ledger.read(topic.name, partition);
    const fresh = encoded.filter((record) => record.position > state.stagedThrough);
    const drafts = cutSegments(fresh, encoding, topic.maxSegmentBytes);
    const now = clock();
    const segments = await Promise.all(
      drafts.map((draft) => stageOnce(context, partition, draft, now, staged)),
    );
    const lastFresh = fresh.at(-1);
    const withStaged = lastFresh
      ? recordStaged(
          state,
          segments,
          lastFresh.position,
          fresh.reduce((max, record) => Math.max(max, record.watermarkTime), 0),
        )
      : state;
    const frontier = ingestionSealFrontier(withStaged, sealDelayMs);
    const next = frontier === null ? withStaged : closeMinutes(withStaged, frontier);

    if (next !== state && !(await store.ledger.write(topic.name, partition, next, version))) {
      summary.ledgerConflicts++;
      await backoff(attempt);
      continue;
    }
    countStaged(summary, fresh, segments, encoded.length - fresh.length);
    const published = await publishPending(context, partition, next.pending);
    summary.objectsSealed += published.created;
    summary.lateObjectsSealed += published.lateCreated;
    summary.ledgerConflicts += published.conflicts;
    return summary;
  }
  throw new TransientStoreError(
    `ledger of ${topic.name}/${partition} kept changing under ${LEDGER_ATTEMPTS} attempts; the batch will be retried`,
  );
}

async function stageOnce(
  context: CaptureContext,
  partition: string,
  draft: SegmentDraft,
  now: number,
  staged: Map<string, LedgerSegment>,
): Promise<LedgerSegment> {
  const path = stagingPath(context.topic.name, partition, draft);
  const known = staged.get(path);
  if (known) return known;
  const body = await compressMember(Buffer.concat(draft.lines), context.topic.compression);
  await context.store.objects.stage(path, body);
  const segment: LedgerSegment = {
    kind: draft.kind,
    minute: draft.minute,
    first: draft.first,
    last: draft.last,
    records: draft.records,
    bytes: body.length,
    encoding: draft.encoding,
    stagedAt: now,
  };
  staged.set(path, segment);
  return segment;
}

function countStaged(
  summary: CaptureSummary,
  fresh: readonly EncodedRecord[],
  segments: readonly LedgerSegment[],
  redelivered: number,
) {
  summary.redelivered = redelivered;
  summary.segmentsStaged = segments.length;
  summary.bytesOut = segments.reduce((sum, segment) => sum + segment.bytes, 0);
  for (const record of fresh) {
    if (record.reason) summary.deadLetters[record.reason] = (summary.deadLetters[record.reason] ?? 0) + 1;
    if (record.timeFellBack) summary.timeFallbacks++;
  }
}
