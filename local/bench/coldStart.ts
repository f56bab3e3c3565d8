import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import type { BundleFigure, ColdStartResult, ImportTiming } from './results.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = join(ROOT, 'functions/azure/index.ts');

/** What the Functions host gives the app: the orders topic of the project's config. */
const APP_SETTINGS = { CAPTURE_CONFIG: join(ROOT, 'capture.config.yaml'), CAPTURE_TOPIC: 'orders' };

/**
 * The host supplies `@azure/functions-core` at run time; outside it the library falls back to a test
 * mode, which is what a fresh `node` here gets.
 */
const HOST_PROVIDED = ['@azure/functions-core'];

/** CommonJS dependencies bundled into ESM still call `require`; this gives them Node's. */
export const REQUIRE_SHIM =
  "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

/** Imports the module given as the first argument and prints how long the import took. */
const IMPORT_PROBE =
  'const started = performance.now(); await import(process.argv[1]);' +
  'process.stdout.write(JSON.stringify({ ms: performance.now() - started }));';

/**
 * Module initialisation of the Azure Functions app, in `processes` fresh Node processes per
 * variant: the code as `npm run build` deploys it (one file per module, node_modules beside it) and
 * as one esbuild bundle. Also the bundle's size, chunk by chunk.
 */
export async function measureColdStart(processes: number): Promise<ColdStartResult> {
  const folder = await mkdtemp(join(tmpdir(), 'capture-bench-cold-'));
  try {
    const bundleFolder = join(folder, 'bundle');
    const built = await build({
      absWorkingDir: ROOT,
      entryPoints: [ENTRY],
      bundle: true,
      // Keeps every `await import()` (the Azure SDKs) in its own chunk, loaded on first use.
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify: true,
      outdir: bundleFolder,
      metafile: true,
      external: HOST_PROVIDED,
      banner: { js: REQUIRE_SHIM },
      logLevel: 'error',
    });
    const unbundledEntry = await transpileApp(join(folder, 'unbundled'));
    const bundledEntry = join(bundleFolder, 'index.js');

    const unbundled: number[][] = [];
    const bundled: number[][] = [];
    // Alternated, so a slow moment of the machine does not land on one variant only.
    for (let index = 0; index < processes; index++) {
      unbundled.push(await timeImport(unbundledEntry));
      bundled.push(await timeImport(bundledEntry));
    }

    const outputs = built.metafile.outputs;
    const entryFile = Object.keys(outputs).find((file) => outputs[file]?.entryPoint);
    const startChunks = staticClosure(entryFile, outputs);
    const bundle: BundleFigure[] = [];
    for (const [file, output] of Object.entries(outputs)) {
      const bytes = await readFile(join(ROOT, file));
      bundle.push({
        file: relative(bundleFolder, join(ROOT, file)),
        bytes: output.bytes,
        gzipBytes: gzipSync(bytes, { level: 9 }).length,
        loadedAtStart: startChunks.has(file),
      });
    }
    bundle.sort((a, b) => Number(b.loadedAtStart) - Number(a.loadedAtStart) || b.bytes - a.bytes);
    const startPackages = new Map<string, number>();
    for (const file of startChunks) {
      for (const [input, { bytesInOutput }] of Object.entries(outputs[file]?.inputs ?? {})) {
        const name = packageOf(input);
        startPackages.set(name, (startPackages.get(name) ?? 0) + bytesInOutput);
      }
    }
    const largestAtStart = [...startPackages]
      .sort(([, a], [, b]) => b - a)
      .slice(0, 4)
      .map(([name, bytes]) => ({ name, bytes }));
    return { processes, unbundled: timing(unbundled), bundled: timing(bundled), bundle, largestAtStart };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

type Outputs = Metafile['outputs'];

/** The chunks loading `entry` loads: it and everything it imports statically, transitively. */
function staticClosure(entry: string | undefined, outputs: Outputs): Set<string> {
  const loaded = new Set<string>();
  const pending = entry ? [entry] : [];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) pending.push(imported.path);
    }
  }
  return loaded;
}

/** "node_modules/@azure/functions/dist/x.js" is "@azure/functions"; project files count by folder. */
function packageOf(input: string): string {
  return input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? input.split('/').slice(0, 2).join('/');
}

/**
 * `functions/` and `shared/` transpiled file by file into `folder`, ESM, with the project's
 * node_modules linked beside them: the same module graph `npm run build` deploys. Returns the entry.
 */
async function transpileApp(folder: string): Promise<string> {
  const sources: string[] = [];
  for (const top of ['functions', 'shared']) {
    const files = await readdir(join(ROOT, top), { recursive: true });
    for (const file of files) if (file.endsWith('.ts')) sources.push(join(ROOT, top, file));
  }
  await build({
    entryPoints: sources,
    outbase: ROOT,
    outdir: folder,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'error',
  });
  await writeFile(join(folder, 'package.json'), '{ "type": "module" }\n');
  await symlink(join(ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir');
  return join(folder, 'functions/azure/index.js');
}

/** [import ms, whole process ms] of one fresh `node` importing `entry` with `env` added to its environment. */
export async function timeImport(
  entry: string,
  env: Record<string, string> = APP_SETTINGS,
): Promise<number[]> {
  const started = performance.now();
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '--eval', IMPORT_PROBE, pathToFileURL(entry).href],
    { env: { ...process.env, ...env } },
  );
  const processMs = performance.now() - started;
  const { ms } = JSON.parse(stdout) as { ms: number };
  return [ms, processMs];
}

export function timing(samples: readonly number[][]): ImportTiming {
  return {
    medianMs: median(samples.map(([ms = 0]) => ms)),
    samplesMs: samples.map(([ms = 0]) => Math.round(ms * 10) / 10),
    medianProcessMs: median(samples.map(([, processMs = 0]) => processMs)),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
