import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { loadConfigFile } from '../../shared/config/load.js';
import { REQUIRE_SHIM, timeImport, timing } from './coldStart.js';
import type { LambdaBundleFigure } from './results.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES = ['ingest', 'sealTimer', 'compactDispatcher', 'compact'] as const;

/**
 * Each Lambda function bundled as the stack in infra/aws bundles it (esbuild, ESM, node22, minified,
 * every dependency inside, a `require` shim for CommonJS dependencies), its size, and its module
 * initialisation in `processes` fresh Node processes with the environment the stack sets: the first
 * AWS topic of capture.config.yaml and a bucket name. The S3 client is created on the first event, so
 * init is config validation and module loading.
 */
export async function measureLambdaColdStarts(processes: number): Promise<LambdaBundleFigure[]> {
  const topic = loadConfigFile(join(ROOT, 'capture.config.yaml')).topics.find(
    (candidate) => candidate.platform === 'aws',
  );
  if (!topic) throw new Error('capture.config.yaml lists no platform: aws topic to start the functions with');
  const env = {
    CAPTURE_TOPIC_CONFIG: JSON.stringify(topic),
    CAPTURE_BUCKET: 'bench-lake',
    CAPTURE_LEDGER_TABLE: 'bench-ledger',
    CAPTURE_COMPACTION_WORKER: 'bench-compaction-worker',
    AWS_REGION: 'eu-west-1',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const folder = await mkdtemp(join(tmpdir(), 'capture-bench-lambda-'));
  try {
    const figures: LambdaBundleFigure[] = [];
    for (const name of ENTRIES) {
      const entry = join(ROOT, 'functions/aws', `${name}.ts`);
      if (!existsSync(entry)) continue;
      const outfile = join(folder, name, 'index.mjs');
      await build({
        absWorkingDir: ROOT,
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        outfile,
        banner: { js: REQUIRE_SHIM },
        logLevel: 'error',
      });
      const bytes = await readFile(outfile);
      const samples: number[][] = [];
      for (let index = 0; index < processes; index++) samples.push(await timeImport(outfile, env));
      figures.push({
        function: `functions/aws/${name}.ts`,
        bytes: bytes.length,
        gzipBytes: gzipSync(bytes, { level: 9 }).length,
        init: timing(samples),
      });
    }
    return figures;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
