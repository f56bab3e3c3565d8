import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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

/** The two engines the issue compares on the same hour. */
export const COMPACTION_ENGINES = ['hyparquet-writer', 'duckdb'] as const;
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
const PARTITIONS = 4;
const SCRIPT = fileURLToPath(import.meta.url);

function benchTopic(): TopicConfig {
  return topicSchema.parse({ name: 'bench', source: 'kafka', jsonl: { envelope: true } });
}

/**
 * Compacts the same generated hour (`records` events over four partitions, JSON-lines envelopes,
 * gzip) with both engines, each in a fresh process so its peak memory is its own.
 */
export async function measureCompaction(records = 200_000): Promise<CompactionMeasurement[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-compaction-'));
  try {
    await generateHour(dir, records);
    const results: CompactionMeasurement[] = [];
    for (const engine of COMPACTION_ENGINES) results.push(await inChild(engine, dir));
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function generateHour(dir: string, records: number): Promise<void> {
  const topic = benchTopic();
  const store = createFsStore(dir);
  let now = HOUR_START;
  const context = { topic, store, clock: () => now };
  const generate = createEventGenerator(7);
  const perMinute = Math.ceil(records / 60);
  let position = 0;
  for (let minute = 0; minute < 60; minute++) {
    const time = HOUR_START + minute * 60_000;
    now = time + 30_000;
    const batch: CaptureRecord[] = [];
    for (let index = 0; index < perMinute && position < records; index++, position++) {
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
  if (engine === 'hyparquet-writer') {
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
