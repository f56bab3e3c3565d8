import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckDb } from '../../../../local/audit/duckDb.js';
import type { TopicConfigInput } from '../../../../shared/config/schema.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { createFsStore } from '../../../../shared/stores/fs/createFsStore.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { startTableReaders, type TableReaders } from '../../../helpers/readers/tableReaders.js';

const at = (minute: number, second = 0) => Date.UTC(2026, 10, 21, 12, minute, second);
/** aircompressor's pure-Java zstd, for Hadoop builds without the native library (open-source Spark's). */
const AIRCOMPRESSOR_ZSTD = { 'io.compression.codecs': 'io.airlift.compress.zstd.ZstdCodec' };

let readers: TableReaders;
let scratch: string;

beforeAll(async () => {
  readers = await startTableReaders();
  scratch = await mkdtemp(join(tmpdir(), 'raw-lake-readers-'));
  await readers.spark('SELECT 1');
}, 180_000);

afterAll(async () => {
  await readers?.close();
  await rm(scratch, { recursive: true, force: true });
});

/**
 * A raw lake in a folder of its own: `batches` deliveries of `perBatch` records over two partitions,
 * each batch a minute later, so a partition's object of a minute holds several staged segments (gzip
 * members, zstd frames), then sealed. Returns the lake's folder and a way to deliver more.
 */
async function rawLake(overrides: Partial<TopicConfigInput>, name: string) {
  const root = join(scratch, name);
  const topic = topicConfig({ name, jsonl: { envelope: true }, ...overrides });
  let now = at(0);
  let position = 0;
  const context: CaptureContext = { topic, store: createFsStore(root), clock: () => now };
  const deliver = async (batches: number, perBatch: number) => {
    for (let batch = 0; batch < batches; batch++) {
      const minute = Math.floor(position / perBatch);
      for (let half = 0; half < 2; half++) {
        now = at(minute, 10 + half * 20);
        const records = Array.from({ length: perBatch / 2 }, (_, index) => {
          const current = position++;
          return makeRecord({
            topic: name,
            partition: String(current % 2),
            position: current,
            brokerTime: at(minute, index),
          });
        });
        await ingestBatch(context, records);
      }
      now = at(minute + 2, 30);
      await sealIdlePartitions(context);
    }
  };
  return { root, raw: join(root, 'raw', name), deliver, delivered: () => position };
}

describe('Readers of the raw lake', () => {
  it.each([
    ['gzip', true, true],
    ['none', true, true],
    ['zstd', false, true],
  ] as const)(
    'JSON lines with %s: Spark reads them without native Hadoop: %s; with aircompressor: %s; DuckDB: always',
    async (compression, sparkAlone, sparkWithAircompressor) => {
      // Prepare
      const lake = await rawLake({ compression }, `codec-${compression}`);
      await lake.deliver(2, 10);
      const view = (options: Record<string, string>) => ({
        name: 'raw',
        format: 'json' as const,
        path: lake.raw,
        schema: 'partition string, position long',
        options: { recursiveFileLookup: 'true', ...options },
      });
      const count =
        'SELECT count(*) AS records, count(DISTINCT partition, position) AS distinct_records FROM raw';

      // Act
      const alone = await readers.spark(count, [view({})]).catch((error: Error) => error);
      const withAircompressor = await readers
        .spark(count, [view(AIRCOMPRESSOR_ZSTD)])
        .catch((error: Error) => error);
      const [duckDb] = await queryDuckDb(
        `SELECT count(*)::INTEGER AS records FROM read_json('${lake.raw}/**/*', format = 'newline_delimited')`,
      );

      // Assess
      const everyRecord = { records: 20, distinct_records: 20 };
      if (sparkAlone) expect(alone).toMatchObject({ rows: [everyRecord] });
      else expect(String(alone)).toMatch(/zstd|ZStandard/i);
      if (sparkWithAircompressor) expect(withAircompressor).toMatchObject({ rows: [everyRecord] });
      expect(duckDb).toEqual({ records: 20 });
    },
  );

  it.each(['gzip', 'none'] as const)(
    'avro-capture (compression %s) through spark-avro: every record once, its body as captured',
    async (compression) => {
      // Prepare
      const lake = await rawLake({ format: 'avro-capture', compression }, `avro-${compression}`);
      await lake.deliver(2, 10);

      // Act
      const answer = await readers.spark(
        `SELECT count(*) AS records, count(DISTINCT SequenceNumber, partition) AS distinct_records,
           min(CAST(Body AS STRING)) AS first_body FROM (SELECT *, regexp_extract(input_file_name(), '/(\\\\d+)-', 1) AS partition FROM capture)`,
        [{ name: 'capture', format: 'avro', path: lake.raw, options: { recursiveFileLookup: 'true' } }],
      );

      // Assess
      expect(answer.rows).toEqual([
        { records: 20, distinct_records: 20, first_body: JSON.stringify({ partition: '0', position: 0 }) },
      ]);
      expect(answer.schemas.capture?.fields.map((field) => field.name)).toEqual([
        'SequenceNumber',
        'Offset',
        'EnqueuedTimeUtc',
        'SystemProperties',
        'Properties',
        'Body',
      ]);
    },
  );

  it('a Structured Streaming file-source query running while ingestion runs ends with every record exactly once', async () => {
    // Prepare: the stream starts on an empty lake, as Auto Loader would on a new topic
    const lake = await rawLake({ compression: 'gzip' }, 'streamed');
    await mkdir(lake.raw, { recursive: true });
    await readers.startStream({
      name: 'stream',
      format: 'json',
      path: lake.raw,
      schema: 'partition string, position long',
      // Minute folders nest below the topic; the objects' times are now, but a backfill's are not.
      options: { recursiveFileLookup: 'true', maxFileAge: '3650d' },
    });

    // Act: objects land while the query runs, in two waves it sees apart
    await lake.deliver(3, 10);
    await readers.drainStream('stream');
    await lake.deliver(4, 10);
    const streamed = await readers.finishStream(
      'stream',
      'SELECT count(*) AS records, count(DISTINCT partition, position) AS distinct_records, max(position) AS last FROM stream',
    );

    // Assess
    expect(streamed.rows).toEqual([{ records: 70, distinct_records: 70, last: 69 }]);
    expect(streamed.batches).toBeGreaterThanOrEqual(2);
    expect(lake.delivered()).toBe(70);
  });
});
