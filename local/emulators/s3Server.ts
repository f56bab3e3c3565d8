import { MOTO, motoProgram, type RunningMotoServer, startMotoServer } from './motoServer.js';
import { ensurePythonVenv } from './pythonVenv.js';

/**
 * moto's S3 server: one request at a time (see `motoProgram`), since several CompleteMultipartUpload
 * with `If-None-Match: *` on one key would otherwise all answer 200 where S3 decides the race.
 */
const MOTO_S3_SERVER = motoProgram('s3');

/** A plain-HTTP endpoint for a path-style S3 client; its buckets are gone once stopped. */
export type RunningS3Server = RunningMotoServer;

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
 * requests (ListBuckets, unsigned, which moto accepts). Buckets live in memory and vanish with the
 * process. Run `ensureS3Server` first.
 *
 * @example
 * const s3 = await startS3Server();
 * try { ... s3ClientFor({ endpoint: s3.endpoint }) ... } finally { await s3.stop(); }
 */
export async function startS3Server(options: { port?: number } = {}): Promise<RunningS3Server> {
  return startMotoServer({
    program: MOTO_S3_SERVER,
    what: 'moto',
    answers: (response) => response.ok,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
}
