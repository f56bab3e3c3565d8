import { spawn } from 'node:child_process';
import { captureOutput, exitOf, freePorts, stopWithThisProcess } from './childProcesses.js';
import { venvInstalled, venvPython } from './pythonVenv.js';
import { MOTO } from './s3Server.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;

/**
 * moto's server for AWS Glue alone: the Schema Registry API (create_registry, create_schema,
 * register_schema_version, get_schema_version) and the Data Catalog's databases and tables, from the
 * S3 server's venv. Two changes, so that it decides an Iceberg commit as Glue does. moto ignores
 * UpdateTable's \`VersionId\`, where Glue refuses the update with ConcurrentModificationException
 * unless the table is still at that version: the server checks it. And requests run one at a time,
 * so that check and the update are one step, as Glue's are.
 */
const MOTO_GLUE_SERVER = `
import logging, sys, threading
from werkzeug.serving import run_simple
from moto.core.exceptions import JsonRESTError
from moto.glue.responses import GlueResponse
from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app

moto_update_table = GlueResponse.update_table

def update_table(self):
    expected = self.parameters.get("VersionId")
    if expected is not None:
        table = self.glue_backend.get_table(self.parameters["DatabaseName"], self.parameters["TableInput"]["Name"])
        if str(table._current_version) != expected:
            raise JsonRESTError("ConcurrentModificationException", f"the table is at version {table._current_version}, not {expected}")
    return moto_update_table(self)

GlueResponse.update_table = update_table
moto_app = create_backend_app("glue")
one_request_at_a_time = threading.Lock()

def serialized_app(environ, start_response):
    with one_request_at_a_time:
        return list(moto_app(environ, start_response))

logging.getLogger("werkzeug").setLevel(logging.ERROR)
run_simple(sys.argv[1], int(sys.argv[2]), serialized_app, threaded=True, request_handler=MotoRequestHandler)
`;

export interface RunningGlueRegistry {
  /** Endpoint for a Glue client (`new GlueClient({ endpoint })`), e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** Stops the server; its registries are gone with it. */
  stop(): Promise<void>;
}

/**
 * Starts moto's Glue server on a free loopback port and resolves once it answers HTTP. Install moto
 * first (`npm run s3:install`). moto's quirks: `create_schema` requires `Compatibility`, and an
 * unknown schema version id answers `EntityNotFoundException` with HTTP 400.
 */
export async function startGlueRegistry(): Promise<RunningGlueRegistry> {
  if (!(await venvInstalled(MOTO)))
    throw new Error('moto is not installed in .tools/moto/: run npm run s3:install');
  const [port] = await freePorts(1);
  const child = spawn(venvPython(MOTO), ['-c', MOTO_GLUE_SERVER, HOST, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const stop = stopWithThisProcess(child);
  const endpoint = `http://${HOST}:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      const exit = exitOf(child);
      if (exit !== null) throw new Error(`moto's Glue server exited with ${exit}:\n${output.stderr}`);
      // Any HTTP answer, even an error for a request without an action, means it is listening.
      const answered = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2_000) }).then(
        () => true,
        () => false,
      );
      if (answered) return { endpoint, stop };
      if (Date.now() > deadline) throw new Error(`moto's Glue server did not answer at ${endpoint}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
