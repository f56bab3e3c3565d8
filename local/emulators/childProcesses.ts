import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * What the launchers of local servers (Azurite, the S3 emulator, the Kafka broker) and their
 * installers share: free loopback ports, the tail of a child's output for error messages, a program
 * run to its end, and a stop that escalates.
 */

const LOOPBACK = '127.0.0.1';
/** Enough of a child's output to explain a failed start or install, without growing for a long session. */
const OUTPUT_TAIL_CHARS = 16_384;
const DEFAULT_STOP_GRACE_MS = 5_000;

/** Ports the OS hands out for port 0 on loopback; all held open together, so they are distinct. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((done, fail) => {
            server.once('error', fail);
            server.listen(0, LOOPBACK, () => {
              const address = server.address();
              if (address === null || typeof address === 'string') fail(new Error('no TCP port assigned'));
              else done(address.port);
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  }
}

export interface OutputTail {
  stdout: string;
  stderr: string;
}

/** Drains both pipes (a full pipe would block the child) and keeps their tails for error messages. */
export function captureOutput(child: ChildProcess): OutputTail {
  const tail: OutputTail = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      tail[stream] = (tail[stream] + chunk).slice(-OUTPUT_TAIL_CHARS);
    });
  }
  return tail;
}

export interface FailureMessages {
  /** The program does not exist. */
  readonly missing: string;
  /** It ran and exited with an error. */
  readonly failed: string;
}

/** Runs a program to its end; a failure says what to do, followed by the program's own output. */
export function runToEnd(
  program: string,
  args: readonly string[],
  messages: FailureMessages,
  environment: Readonly<Record<string, string>> = {},
): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(program, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...environment },
    });
    const output = captureOutput(child);
    child.once('error', (error: NodeJS.ErrnoException) =>
      fail(new Error(error.code === 'ENOENT' ? messages.missing : `${messages.failed}\n${error.message}`)),
    );
    child.once('close', (code) => {
      if (code === 0) done();
      else fail(new Error(`${messages.failed}\n${output.stderr || output.stdout || `exit code ${code}`}`));
    });
  });
}

/** How a child ended (`code 1`, `SIGKILL`), or null while it runs. */
export function exitOf(child: ChildProcess): string | null {
  if (child.exitCode !== null) return `code ${child.exitCode}`;
  return child.signalCode;
}

/** SIGTERM lets a server close cleanly; SIGKILL follows if it hangs (keep-alive connections, say). */
export async function stopProcess(child: ChildProcess, graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
  if (exitOf(child) !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Ties a server's life to this process: if this process exits before stopping it (a test run
 * interrupted before teardown), the server is killed rather than left holding its ports. Returns the
 * orderly stop, which unties it first.
 */
export function stopWithThisProcess(child: ChildProcess, graceMs?: number): () => Promise<void> {
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return async () => {
    process.removeListener('exit', killOnExit);
    await stopProcess(child, graceMs);
  };
}
