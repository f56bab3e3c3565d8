import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { captureOutput, stopWithThisProcess } from '../../../local/emulators/childProcesses.js';
import { ensureTableReaders, READERS_PYTHON, sparkJars } from '../../../local/emulators/tableReaders.js';
import { parseExactJson } from '../../../shared/exactJson.js';

/** A view Spark reads before running a query: a table or files, by format. */
export interface SparkView {
  readonly name: string;
  readonly format: 'delta' | 'iceberg' | 'json' | 'avro' | 'parquet';
  readonly path: string;
  readonly options?: Readonly<Record<string, string>>;
  /** A DDL schema (`partition string, position long`); without one Spark infers it. */
  readonly schema?: string;
}

export interface DeltaRsRead {
  readonly version: number;
  /** The data files of the table's version, as delta-rs lists them (URIs). */
  readonly files: readonly string[];
  /** The Arrow schema delta-rs reads the table with. */
  readonly schema: string;
  readonly rows: Record<string, unknown>[];
}

/** What Spark answered: each view's schema (Spark's JSON schema, as `StructType.jsonValue()`) and the query's rows, as Spark's own JSON. */
export interface SparkAnswer {
  readonly schemas: Readonly<Record<string, SparkStruct>>;
  readonly rows: Record<string, unknown>[];
}

/**
 * One process of the readers no one here wrote (test/helpers/readers/tableReader.py): delta-rs, and
 * Spark with Delta and spark-avro in one session that lives as long as the process. A test file starts
 * one in `beforeAll` and closes it in `afterAll`.
 */
export interface TableReaders {
  deltaRs(uri: string, storageOptions?: Readonly<Record<string, string>>): Promise<DeltaRsRead>;
  /** Runs `sql` over the views, after setting `conf` in the session (a catalog's settings, say). */
  spark(
    sql: string,
    views?: readonly SparkView[],
    conf?: Readonly<Record<string, string>>,
  ): Promise<SparkAnswer>;
  /** Starts a Structured Streaming file-source query over `path` into Parquet, triggered every 200 ms. */
  startStream(stream: SparkView & { readonly schema: string }): Promise<void>;
  /** Returns once the stream has processed every file there is now; it goes on running. */
  drainStream(name: string): Promise<void>;
  /** Processes what the stream has not yet, stops it, and runs `sql` over its output (as view `name`). */
  finishStream(name: string, sql: string): Promise<{ batches: number; rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./tableReader.py', import.meta.url));

/**
 * Installs the readers when missing (CI installs them beforehand: npm run spark:install) and starts
 * them, with `env` added to their environment (AWS credentials for a catalog on an emulator, say).
 */
export async function startTableReaders(env: Readonly<Record<string, string>> = {}): Promise<TableReaders> {
  await ensureTableReaders();
  const scratch = await mkdtemp(join(tmpdir(), 'table-readers-'));
  const child = spawn(READERS_PYTHON, [SCRIPT], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      READER_SPARK_JARS: (await sparkJars()).join(','),
      READER_TMP: scratch,
      PYSPARK_PYTHON: READERS_PYTHON,
      SPARK_LOCAL_IP: '127.0.0.1',
      ...env,
    },
  });
  const stop = stopWithThisProcess(child, 30_000);
  const output = captureOutput(child);
  const lines = createInterface({ input: child.stdout });
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let exited: Error | undefined;
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.once('exit', (code) => {
    exited = new Error(`the table readers exited (${code}): ${output.stderr.slice(-4000)}`);
    for (const waiter of waiting.splice(0)) waiter.reject(exited);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      if (exited) reject(exited);
      else waiting.push({ resolve, reject });
    });
  let queue = Promise.resolve();
  const ask = <T>(request: Record<string, unknown>): Promise<T> => {
    const answer = queue.then(async () => {
      child.stdin.write(`${JSON.stringify(request)}\n`);
      // Python writes 64-bit integers with every digit, which JSON.parse would round past 2^53.
      const response = parseExactJson(await nextLine()) as {
        ok: boolean;
        error?: string;
        errorClass?: string;
      };
      if (!response.ok) throw new Error(`${request.op}: ${response.errorClass}: ${response.error}`);
      return response as T;
    });
    queue = answer.then(
      () => {},
      () => {},
    );
    return answer;
  };
  await nextLine();
  return {
    deltaRs: (uri, storageOptions) => ask({ op: 'delta_rs', uri, storageOptions }),
    spark: (sql, views = [], conf = {}) => ask({ op: 'spark_sql', sql, views, conf }),
    startStream: async (stream) => {
      await ask({
        op: 'stream_start',
        ...stream,
        checkpoint: join(scratch, `${stream.name}-checkpoint`),
        output: join(scratch, `${stream.name}-output`),
      });
    },
    drainStream: async (name) => {
      await ask({ op: 'stream_drain', name });
    },
    finishStream: (name, sql) => ask({ op: 'stream_finish', name, sql }),
    close: async () => {
      child.stdin.end();
      await stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Spark's JSON schema of a struct (`StructType.jsonValue()`). */
export interface SparkStruct {
  readonly type: 'struct';
  readonly fields: readonly { readonly name: string; readonly type: SparkType }[];
}
export type SparkType = string | SparkStruct | { readonly type: 'array'; readonly elementType: SparkType };
