import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { captureOutput, freePorts, type OutputTail, stopWithThisProcess } from './childProcesses.js';

/** Azurite's fixed development account: public, documented, and accepted by every Azure SDK. */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;

export interface AzuriteOptions {
  /** Workspace folder for persisted data; defaults to `.local/azurite` (git-ignored). */
  location?: string;
  /** Keep everything in memory (tests): nothing is written under `location`. */
  inMemory?: boolean;
}

export interface RunningAzurite {
  /** Shared-key connection string with explicit Blob and Table endpoints on the chosen ports. */
  readonly connectionString: string;
  readonly blobPort: number;
  readonly tablePort: number;
  /** Stops the emulator and resolves once its process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the project's own Azurite (npm devDependency) on free loopback ports and resolves once Blob
 * and Table accept connections. Used by `npm run local -- --store azurite` and by the test setup.
 *
 * @example
 * const azurite = await startAzurite({ inMemory: true });
 * try { ... azurite.connectionString ... } finally { await azurite.stop(); }
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  // Azurite 3.35 cannot disable its Queue service, so it gets a free port too instead of clashing on 10001.
  const [blobPort, queuePort, tablePort] = (await freePorts(3)) as [number, number, number];
  // Azurite refuses --location with --inMemoryPersistence but still treats its working directory as the
  // workspace, so an in-memory run works in a scratch folder rather than littering the caller's.
  const scratch = options.inMemory ? await mkdtemp(join(tmpdir(), 'azurite-')) : undefined;
  const location = scratch ?? resolve(options.location ?? '.local/azurite');
  await mkdir(location, { recursive: true });

  const args = [
    azuriteEntryPoint(),
    '--silent',
    // Current @azure/storage-blob sends an API version newer than Azurite 3.35 knows.
    '--skipApiVersionCheck',
    '--loose',
    '--disableTelemetry',
    ...['--blobHost', HOST, '--blobPort', String(blobPort)],
    ...['--queueHost', HOST, '--queuePort', String(queuePort)],
    ...['--tableHost', HOST, '--tablePort', String(tablePort)],
    ...(scratch ? ['--inMemoryPersistence'] : ['--location', location]),
  ];
  const child = spawn(process.execPath, args, { cwd: location, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  const stopChild = stopWithThisProcess(child);
  const stop = async () => {
    await stopChild();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  };

  try {
    await waitForPorts(child, [blobPort, tablePort], output);
  } catch (error) {
    await stop();
    throw error;
  }
  const endpoint = (port: number) => `http://${HOST}:${port}/${DEV_ACCOUNT}`;
  const connectionString = [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_KEY}`,
    `BlobEndpoint=${endpoint(blobPort)}`,
    `TableEndpoint=${endpoint(tablePort)}`,
  ].join(';');
  return { connectionString, blobPort, tablePort, stop };
}

function azuriteEntryPoint(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
}

async function waitForPorts(
  child: ChildProcess,
  ports: readonly number[],
  output: OutputTail,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const describeFailure = (reason: string) =>
    new Error(
      `Azurite did not start: ${reason}\nstderr:\n${output.stderr || '(empty)'}\nstdout:\n${output.stdout || '(empty)'}`,
    );
  for (const port of ports) {
    while (!(await accepts(port))) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw describeFailure(`it exited with ${child.exitCode ?? child.signalCode}`);
      }
      if (Date.now() > deadline) throw describeFailure(`port ${port} not open after ${START_TIMEOUT_MS} ms`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
