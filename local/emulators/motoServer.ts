import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureOutput, exitOf, freePorts, stopWithThisProcess } from './childProcesses.js';
import { type PythonVenv, venvInstalled, venvPython } from './pythonVenv.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;

/** moto's venv: the S3 server and the Glue server (`glueRegistry.ts`) both run from it. */
export const MOTO: PythonVenv = {
  folder: 'moto',
  requirements: fileURLToPath(new URL('./s3Server.requirements.txt', import.meta.url)),
  what: 'moto, the S3 and Glue emulator',
  installScript: 's3:install',
};

/**
 * The Python program of moto's server for one AWS service, after `patches` (Python that changes
 * moto's handlers, run first). Unlike `moto_server`, it serves that service alone (moto's dispatcher
 * scans its package folder on every request to find the service, a third of each request's time),
 * runs requests one at a time (moto checks a conditional write and then writes without a lock, so
 * concurrent ones could all succeed where AWS decides them atomically), and keeps Werkzeug's request
 * log quiet (a line per request costs more than it tells).
 */
export function motoProgram(service: string, patches = ''): string {
  return `
import logging, sys, threading
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app
${patches}
moto_app = create_backend_app("${service}")
one_request_at_a_time = threading.Lock()

def serialized_app(environ, start_response):
    with one_request_at_a_time:
        return list(moto_app(environ, start_response))

logging.getLogger("werkzeug").setLevel(logging.ERROR)
run_simple(sys.argv[1], int(sys.argv[2]), serialized_app, threaded=True, request_handler=MotoRequestHandler)
`;
}

export interface RunningMotoServer {
  /** Plain-HTTP endpoint, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** Stops the server and resolves once its process has exited; what it held is gone with it. */
  stop(): Promise<void>;
}

/**
 * Starts a moto program on loopback (a free port unless given) and resolves once `answers` says an
 * unsigned `GET /` was answered as the service answers it: an open port is not enough.
 */
export async function startMotoServer(options: {
  readonly program: string;
  /** Names the server in errors: "moto's Glue server". */
  readonly what: string;
  readonly answers: (response: Response) => boolean;
  readonly port?: number;
}): Promise<RunningMotoServer> {
  if (!(await venvInstalled(MOTO)))
    throw new Error('moto is not installed in .tools/moto/: run npm run s3:install');
  const port = options.port ?? (await freePorts(1))[0];
  const child = spawn(venvPython(MOTO), ['-c', options.program, HOST, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const stop = stopWithThisProcess(child);
  const endpoint = `http://${HOST}:${port}`;
  const failure = (reason: string) =>
    new Error(
      `${options.what} did not start: ${reason}\nstderr:\n${output.stderr || '(empty)'}\nstdout:\n${output.stdout || '(empty)'}`,
    );
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      const exit = exitOf(child);
      if (exit !== null) throw failure(`it exited with ${exit}`);
      const answered = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2_000) }).then(
        options.answers,
        () => false,
      );
      if (answered) return { endpoint, stop };
      if (Date.now() > deadline) throw failure(`no answer at ${endpoint} after ${START_TIMEOUT_MS} ms`);
      await new Promise((done) => setTimeout(done, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
