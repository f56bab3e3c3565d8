import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureOutput, freePorts, type OutputTail, stopWithThisProcess } from './childProcesses.js';
import { ensurePythonVenv, type PythonVenv, venvInstalled, venvPython } from './pythonVenv.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;

/** moto's venv: the S3 server and the Glue Schema Registry (`glueRegistry.ts`) both run from it. */
export const MOTO: PythonVenv = {
  folder: 'moto',
  requirements: fileURLToPath(new URL('./s3Server.requirements.txt', import.meta.url)),
  what: 'moto, the S3 and Glue Schema Registry emulator',
  installScript: 's3:install',
};
const VENV_PYTHON = venvPython(MOTO);

/**
 * moto's server (what `moto_server` runs) with two changes. Requests run one at a time: moto checks
 * `If-None-Match` and `If-Match` and then writes, without a lock, so on its threaded server concurrent
 * conditional writes to one key can all succeed (several CompleteMultipartUpload with
 * `If-None-Match: *` all answer 200), where S3 decides such races atomically. And the app serves S3
 * alone: moto's dispatcher scans its package folder on every request to find the service, a third of
 * each request's time. Werkzeug's request log is silenced: a line per request costs more than it tells.
 */
const MOTO_S3_SERVER = `
import logging, sys, threading
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app

moto_app = create_backend_app("s3")
one_request_at_a_time = threading.Lock()

def serialized_app(environ, start_response):
    with one_request_at_a_time:
        return list(moto_app(environ, start_response))

logging.getLogger("werkzeug").setLevel(logging.ERROR)
run_simple(sys.argv[1], int(sys.argv[2]), serialized_app, threaded=True, request_handler=MotoRequestHandler)
`;

export interface RunningS3Server {
  /** Plain-HTTP endpoint for a path-style S3 client, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** Stops the server and resolves once its process has exited; its buckets are gone with it. */
  stop(): Promise<void>;
}

/**
 * Installs the pinned moto (see `local/emulators/s3Server.requirements.txt`) into a Python venv in `.tools/moto/`
 * unless that exact set is installed already. moto is the S3-compatible server that enforces
 * conditional writes (`If-None-Match: *`, `If-Match`) as S3 does; it comes from PyPI, so the project
 * installs it itself rather than expecting it on the machine. Needs python3 (3.11 or later) with venv
 * and pip.
 *
 * @example
 * await ensureS3Server(); // `npm run s3:install` runs this
 */
export async function ensureS3Server(): Promise<void> {
  await ensurePythonVenv(MOTO);
}

/**
 * Starts the installed moto S3 server on a free loopback port and resolves once it answers S3
 * requests. Buckets live in memory and vanish with the process. Run `ensureS3Server` first.
 *
 * @example
 * const s3 = await startS3Server();
 * try { ... s3ClientFor({ endpoint: s3.endpoint }) ... } finally { await s3.stop(); }
 */
export async function startS3Server(options: { port?: number } = {}): Promise<RunningS3Server> {
  if (!(await venvInstalled(MOTO)))
    throw new Error('moto is not installed in .tools/moto/: run npm run s3:install');
  const port = options.port ?? (await freePorts(1))[0];
  const child = spawn(VENV_PYTHON, ['-c', MOTO_S3_SERVER, HOST, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const stop = stopWithThisProcess(child);

  const endpoint = `http://${HOST}:${port}`;
  try {
    await waitUntilAnswering(child, endpoint, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

/** An open port is not enough: the server is ready once it answers an S3 request. */
async function waitUntilAnswering(child: ChildProcess, endpoint: string, output: OutputTail): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const describeFailure = (reason: string) =>
    new Error(
      `moto did not start: ${reason}\nstderr:\n${output.stderr || '(empty)'}\nstdout:\n${output.stdout || '(empty)'}`,
    );
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw describeFailure(`it exited with ${child.exitCode ?? child.signalCode}`);
    }
    // ListBuckets; unsigned, which moto accepts.
    const answered = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    if (Date.now() > deadline) throw describeFailure(`no answer at ${endpoint} after ${START_TIMEOUT_MS} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
