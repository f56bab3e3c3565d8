import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compactClosedHours } from '../../shared/compaction/compact.js';
import { listRawObjectsOfHour } from '../../shared/compaction/rawObjects.js';
import { type TopicConfig, topicSchema } from '../../shared/config/schema.js';
import { decompressObject } from '../../shared/encode/decompress.js';
import { ingestBatch } from '../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../shared/pipeline/sealTimer.js';
import type { CaptureRecord } from '../../shared/record.js';
import { createFsStore } from '../../shared/stores/fs/createFsStore.js';
import { createEventGenerator } from '../sources/generator.js';

/**
 * What compacts the same hour: the product into a table that exists (the usual hour: one pass, see
 * `compactUnit`), the product into a new table (its first hour: two passes), and DuckDB.
 */
export const COMPACTION_ENGINES = ['product', 'product-new-table', 'duckdb'] as const;
export type CompactionEngine = (typeof COMPACTION_ENGINES)[number];

export interface CompactionMeasurement {
  readonly engine: CompactionEngine;
  /** Uncompressed JSON lines of the hour. */
  readonly rawBytes: number;
  readonly wallMs: number;
  /** User + system CPU time of the process, every thread (DuckDB's included). */
  readonly cpuMs: number;
  /** Raw JSON MB (10^6 bytes) per CPU-second: the figure that turns into compute cost. */
  readonly mbPerCoreSecond: number;
  readonly peakRssMiB: number;
  readonly parquetBytes: number;
}

const HOUR_START = Date.UTC(2026, 10, 21, 12);
const HOUR_MS = 3_600_000;
const PARTITIONS = 4;
const SCRIPT = fileURLToPath(import.meta.url);

function benchTopic(): TopicConfig {
  return topicSchema.parse({ name: 'bench', source: 'kafka', jsonl: { envelope: true } });
}

/** Events of the hour before the measured one, compacted beforehand where the table must exist. */
const PREVIOUS_HOUR_RECORDS = 2_000;

/**
 * Compacts the same generated hour (`records` events over four partitions, JSON-lines envelopes,
 * gzip) with each engine, each on a copy of the lake and in a fresh process, so its peak memory is its
 * own. The hour before holds a few events: for `product` it is compacted first, so the measured hour
 * goes into a table that exists.
 */
export async function measureCompaction(records = 200_000): Promise<CompactionMeasurement[]> {
  const root = await mkdtemp(join(tmpdir(), 'bench-compaction-'));
  try {
    const lake = join(root, 'lake');
    await generateHours(lake, records);
    const results: CompactionMeasurement[] = [];
    for (const engine of COMPACTION_ENGINES) {
      const dir = join(root, engine);
      await cp(lake, dir, { recursive: true });
      if (engine === 'product') {
        const topic = benchTopic();
        const store = createFsStore(dir);
        await compactClosedHours(
          { topic, store, clock: () => HOUR_START + 5 * 60_000 },
          { lookbackHours: 1 },
        );
      }
      results.push(await inChild(engine, dir));
    }
    return results;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function generateHours(dir: string, records: number): Promise<void> {
  const topic = benchTopic();
  const store = createFsStore(dir);
  let now = HOUR_START - HOUR_MS;
  const context = { topic, store, clock: () => now };
  const generate = createEventGenerator(7);
  let position = 0;
  const hourOf = async (start: number, count: number) => {
    const perMinute = Math.ceil(count / 60);
    const end = position + count;
    for (let minute = 0; minute < 60; minute++) {
      const time = start + minute * 60_000;
      now = time + 30_000;
      const batch: CaptureRecord[] = [];
      for (let index = 0; index < perMinute && position < end; index++, position++) {
        const event = generate(time + index);
        batch.push({
          topic: topic.name,
          partition: String(position % PARTITIONS),
          position,
          offset: String(position),
          brokerTime: time + Math.floor((index * 60_000) / perMinute),
          key: Buffer.from(event.key),
          headers: [],
          systemProperties: {},
          body: event.body,
        });
      }
      await ingestBatch(context, batch);
    }
  };
  await hourOf(HOUR_START - HOUR_MS, PREVIOUS_HOUR_RECORDS);
  await hourOf(HOUR_START, records);
  now = HOUR_START + 65 * 60_000;
  await sealIdlePartitions(context);
}

function inChild(engine: CompactionEngine, dir: string): Promise<CompactionMeasurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, SCRIPT, 'child', engine, dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output) as CompactionMeasurement);
      else reject(new Error(`compaction bench (${engine}) ended with exit code ${code}`));
    });
  });
}

async function runEngine(engine: CompactionEngine, dir: string): Promise<CompactionMeasurement> {
  const topic = benchTopic();
  const store = createFsStore(dir);
  const hour = HOUR_START / 3_600_000;
  const partitions = Array.from({ length: PARTITIONS }, (_, index) => String(index));
  const rawObjects = await listRawObjectsOfHour(store.objects, topic, hour, partitions);
  let rawBytes = 0;
  for (const object of rawObjects)
    rawBytes += decompressObject(object.path, await store.objects.read(object.path)).length;

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let parquetBytes: number;
  if (engine !== 'duckdb') {
    const summary = await compactClosedHours(
      { topic, store, clock: () => HOUR_START + 65 * 60_000 },
      { lookbackHours: 1 },
    );
    parquetBytes = summary.bytesWritten;
  } else {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const output = join(dir, 'duckdb.parquet');
    const files = rawObjects.map((object) => `'${join(dir, object.path)}'`).join(', ');
    await connection.run(
      `COPY (SELECT * FROM read_json([${files}], format = 'newline_delimited', compression = 'gzip')) TO '${output}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    connection.closeSync();
    const { stat } = await import('node:fs/promises');
    parquetBytes = (await stat(output)).size;
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    engine,
    rawBytes,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    mbPerCoreSecond: Math.round((rawBytes / 1e6 / (cpuMs / 1000)) * 10) / 10,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    parquetBytes,
  };
}

const [mode, engine, dir] = process.argv.slice(2);
if (mode === 'child' && dir !== undefined) {
  console.log(JSON.stringify(await runEngine(engine as CompactionEngine, dir)));
} else if (mode === 'run') {
  console.log(JSON.stringify(await measureCompaction(Number(engine ?? 200_000)), null, 2));
}
