import fc from 'fast-check';
import { crashingStore, SimulatedCrash } from '../../local/faults/crashingStore.js';
import { usesCaptureNames } from '../../shared/config/layoutRules.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { CAPTURE_SCHEMA_JSON } from '../../shared/encode/captureEventData.js';
import { ingestBatch } from '../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../shared/pipeline/sealTimer.js';
import type { CaptureRecord } from '../../shared/record.js';
import type { CaptureStore } from '../../shared/store.js';
import { topicConfig } from './factories.js';
import { readContainerFiles, readLines, snapshotVisible } from './lakeReader.js';

const START = Date.UTC(2026, 10, 21, 12, 0, 0);
const MAX_RECORD_BYTES = 300;

/** One partition's stream: positions with gaps (Kafka compaction), times that mostly advance. */
const partitionStream = fc.array(
  fc.record({
    gap: fc.integer({ min: 1, max: 3 }),
    advanceMs: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: -30_000, max: 90_000 })),
    poison: fc.constantFrom('none', 'none', 'none', 'none', 'invalid-json', 'too-large', 'empty'),
    /** Producers set Kafka timestamps: some records come without one, or from a clock years ahead. */
    brokerTime: fc.constantFrom('set', 'set', 'set', 'set', 'set', 'missing', 'far-future'),
  }),
  { minLength: 1, maxLength: 30 },
);

const action = fc.oneof(
  fc.record({
    kind: fc.constant('deliver' as const),
    partition: fc.nat(),
    size: fc.integer({ min: 1, max: 12 }),
    /** The platform fails to record its checkpoint after success: the same records come again. */
    checkpointLost: fc.boolean(),
    crashBefore: fc.option(fc.nat({ max: 40 }), { freq: 3 }),
    withTimer: fc.boolean(),
    /** During a rebalance a second instance takes the same partition from the same checkpoint. */
    twin: fc.option(
      fc.record({
        size: fc.integer({ min: 1, max: 12 }),
        crashBefore: fc.option(fc.nat({ max: 40 }), { freq: 3 }),
        /** The twin's clock: it receives the records later, so arrival-time fallbacks differ. */
        clockAheadMs: fc.integer({ min: 0, max: 180_000 }),
      }),
      { freq: 3 },
    ),
  }),
  fc.record({
    kind: fc.constant('timer' as const),
    crashBefore: fc.option(fc.nat({ max: 20 }), { freq: 3 }),
  }),
  fc.record({ kind: fc.constant('clock' as const), advanceMs: fc.integer({ min: 0, max: 240_000 }) }),
);

export const scenario = fc.record({
  partitions: fc.array(partitionStream, { minLength: 1, maxLength: 3 }),
  actions: fc.array(action, { maxLength: 25 }),
  compression: fc.constantFrom('gzip', 'zstd', 'none') as fc.Arbitrary<TopicConfig['compression']>,
  envelope: fc.boolean(),
  maxSegmentBytes: fc.integer({ min: 60, max: 600 }),
  sealDelaySeconds: fc.constantFrom(0, 30, 60),
});
export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/**
 * JSON lines in the default layout, or Capture's Avro in Capture's layout: Avro objects start with a
 * header their publisher stages, and their segments must concatenate into one container file.
 */
export type CheckedFormat = 'jsonl' | 'avro-capture';

function buildRecords(topic: string, streams: Scenario['partitions']): CaptureRecord[][] {
  return streams.map((stream, index) => {
    const partition = String(index);
    let position = index * 1000;
    let time = START;
    return stream.map((spec) => {
      position += spec.gap;
      time = Math.max(START, time + spec.advanceMs);
      const json = JSON.stringify({ partition, position });
      const body =
        spec.poison === 'invalid-json'
          ? Buffer.from(`{"partition":"${partition}",`)
          : spec.poison === 'too-large'
            ? Buffer.from(JSON.stringify({ partition, position, pad: 'x'.repeat(MAX_RECORD_BYTES) }))
            : spec.poison === 'empty'
              ? Buffer.alloc(0)
              : Buffer.from(json);
      const brokerTime = { set: time, missing: Number.NaN, 'far-future': START + 10 * 365 * 86_400_000 }[
        spec.brokerTime
      ];
      return {
        topic,
        partition,
        position,
        offset: String(position),
        brokerTime,
        key: Buffer.from(`k${position}`),
        headers: [{ name: 'h', value: Buffer.from([0xff, position & 0xff]) }],
        systemProperties: {},
        body,
      };
    });
  });
}

/**
 * Plays a scenario the way a platform delivers: per partition in order from its checkpoint, at least
 * once, batches cut anew on every delivery, the process killed between store calls, a second
 * instance on the same partition during a rebalance, the timer running beside ingestion, records
 * without a broker time or with one years ahead. Then drains and checks the contract on what is visible.
 */
export async function checkExactlyOnce(
  makeStore: () => Promise<CaptureStore>,
  run: Scenario,
  format: CheckedFormat = 'jsonl',
): Promise<void> {
  const topic = topicConfig({
    name: 'orders',
    compression: run.compression,
    jsonl: { envelope: run.envelope, nonJsonBodies: 'deadletter' },
    maxSegmentBytes: run.maxSegmentBytes,
    maxRecordBytes: MAX_RECORD_BYTES,
    sealDelaySeconds: run.sealDelaySeconds,
    ...(format === 'avro-capture'
      ? {
          format,
          // Capture's codecs are null and deflate: zstd runs become deflate runs.
          compression: run.compression === 'zstd' ? 'gzip' : run.compression,
          layout: 'capture',
          capture: { namespace: 'property-ns' },
        }
      : {}),
  });
  const store = await makeStore();
  const streams = buildRecords(topic.name, run.partitions);
  const checkpoints = streams.map(() => 0);
  let now = START;
  const seen = new Map<string, Buffer>();
  const context = (crashBefore: number | null, clockAheadMs = 0) => ({
    topic,
    store: crashingStore(store, crashBefore),
    clock: () => now + clockAheadMs,
  });
  // One instance takes up to `size` records from the checkpoint; resolves to how many it captured.
  const capture = async (index: number, size: number, crashBefore: number | null, clockAheadMs = 0) => {
    const batch = (streams[index] ?? []).slice(checkpoints[index], (checkpoints[index] ?? 0) + size);
    if (batch.length === 0) return 0;
    // The clock follows the delivered broker times that are believable.
    for (const record of batch)
      if (record.brokerTime < START + 86_400_000) now = Math.max(now, record.brokerTime);
    await ingestBatch(context(crashBefore, clockAheadMs), batch);
    return batch.length;
  };
  // The timer reports its partitions' failures together, the crash being the cause.
  const tolerateCrash = (error: unknown) => {
    if (!(error instanceof SimulatedCrash) && !((error as Error).cause instanceof SimulatedCrash))
      throw error;
  };
  const assertImmutable = async () => {
    for (const [path, bytes] of await snapshotVisible(store.objects)) {
      const before = seen.get(path);
      if (before && !before.equals(bytes)) throw new Error(`visible object changed: ${path}`);
      seen.set(path, bytes);
    }
  };

  for (const step of run.actions) {
    if (step.kind === 'clock') now += step.advanceMs;
    if (step.kind === 'timer') await sealIdlePartitions(context(step.crashBefore)).catch(tolerateCrash);
    if (step.kind === 'deliver') {
      const index = step.partition % streams.length;
      const instances = [capture(index, step.size, step.crashBefore)];
      if (step.twin)
        instances.push(capture(index, step.twin.size, step.twin.crashBefore, step.twin.clockAheadMs));
      const timer = step.withTimer ? [sealIdlePartitions(context(step.crashBefore))] : [];
      const [captures, timers] = await Promise.all([
        Promise.allSettled(instances),
        Promise.allSettled(timer),
      ]);
      for (const result of [...captures, ...timers])
        if (result.status === 'rejected') tolerateCrash(result.reason);
      // The checkpoint moves as far as an instance that succeeded got, unless recording it failed.
      const captured = captures.map((result) => (result.status === 'fulfilled' ? result.value : 0));
      if (!step.checkpointLost) checkpoints[index] = (checkpoints[index] ?? 0) + Math.max(0, ...captured);
    }
    await assertImmutable();
  }

  // Drain: the platform keeps delivering until every checkpoint is at the end, then time passes.
  for (const [index, stream] of streams.entries()) {
    while ((checkpoints[index] ?? 0) < stream.length)
      checkpoints[index] = (checkpoints[index] ?? 0) + (await capture(index, 7, null));
  }
  now += 24 * 3600_000;
  await sealIdlePartitions(context(null));
  await assertImmutable();

  await assertEveryRecordOnce(store, streams, topic);
}

async function assertEveryRecordOnce(store: CaptureStore, streams: CaptureRecord[][], topic: TopicConfig) {
  const found = new Map<string, number>();
  const count = (partition: unknown, position: unknown) => {
    const key = `${partition}/${position}`;
    found.set(key, (found.get(key) ?? 0) + 1);
  };
  if (topic.format === 'avro-capture') {
    for (const [partition, position] of await capturedRecords(store, streams, topic))
      count(partition, position);
  }
  for (const { value } of topic.format === 'jsonl' ? await readLines(store.objects, 'raw') : []) {
    const line = value as {
      partition: string;
      position: number;
      body?: { partition: string; position: number };
    };
    const body = topic.jsonl.envelope ? line.body : line;
    if (topic.jsonl.envelope && (body?.partition !== line.partition || body?.position !== line.position)) {
      throw new Error(`envelope and body disagree: ${JSON.stringify(line)}`);
    }
    count(body?.partition, body?.position);
  }
  for (const { value } of await readLines(store.objects, 'deadletter')) {
    const line = value as { partition: string; position: number; reason: string };
    count(line.partition, line.position);
  }
  const expected = streams.flat().map((record) => `${record.partition}/${record.position}`);
  const missing = expected.filter((key) => !found.has(key));
  const duplicated = [...found].filter(([, times]) => times > 1).map(([key]) => key);
  const unexpected = [...found.keys()].filter((key) => !expected.includes(key));
  if (missing.length > 0 || duplicated.length > 0 || unexpected.length > 0) {
    throw new Error(
      `exactly-once violated: missing ${missing}, duplicated ${duplicated}, unexpected ${unexpected}`,
    );
  }
  await assertOneMainObjectPerMinute(store, topic);
}

/**
 * The (partition, position) of every record in the Avro objects, each checked against what was
 * delivered: its offset, its body byte for byte, and its object's partition in Capture's path.
 */
async function capturedRecords(
  store: CaptureStore,
  streams: CaptureRecord[][],
  topic: TopicConfig,
): Promise<[string, number][]> {
  const delivered = new Map(
    streams.flat().map((record) => [`${record.partition}/${record.position}`, record]),
  );
  const found: [string, number][] = [];
  for (const file of await readContainerFiles(store.objects, 'raw')) {
    // raw/<namespace>/<event hub>/<partition>/<yyyy>/<MM>/<dd>/<HH>/<mm>/<name>
    const partition = file.path.split('/')[3] ?? '';
    if (
      file.schema !== CAPTURE_SCHEMA_JSON ||
      file.codec !== (topic.compression === 'gzip' ? 'deflate' : 'null')
    )
      throw new Error(`${file.path} has codec ${file.codec} and schema ${file.schema}`);
    for (const record of file.records) {
      const original = delivered.get(`${partition}/${record.SequenceNumber}`);
      if (original && (record.Offset !== original.offset || !record.Body?.equals(original.body)))
        throw new Error(`${file.path}: record ${record.SequenceNumber} is not what was delivered`);
      found.push([partition, record.SequenceNumber]);
    }
  }
  return found;
}

/**
 * Per (kind, partition, minute): at most one object that is not marked late. Capture's layout has a
 * folder per partition and minute; the default layout has the partition in the object's name.
 */
async function assertOneMainObjectPerMinute(store: CaptureStore, topic: TopicConfig) {
  const mains = new Map<string, string>();
  for (const prefix of ['raw', 'deadletter']) {
    for (const path of await store.objects.list(prefix)) {
      const folder = path.slice(0, path.lastIndexOf('/'));
      const file = path.slice(path.lastIndexOf('/') + 1);
      if (file.includes('.late.')) continue;
      const key = usesCaptureNames(topic.layout) ? folder : `${folder}|${file.split('-')[0]}`;
      const other = mains.get(key);
      if (other) throw new Error(`two main objects for one minute: ${other} and ${path}`);
      mains.set(key, path);
    }
  }
}
