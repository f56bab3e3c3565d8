import { type ChildProcess, spawn } from 'node:child_process';

/** A command left running (a server), with what it has printed. */
export interface RunningCommand {
  readonly child: ChildProcess;
  output(): string;
  /** Sends the signal to the command's process group (npm, tsx and node) and resolves once npm has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `npm <args>` in a process group of its own, with `env` added to this process's environment,
 * and resolves once its output (stdout and stderr) matches `ready`, with the match; rejects if it
 * exits first.
 */
export function startNpmCommand(
  args: readonly string[],
  ready: RegExp,
  env: Readonly<Record<string, string>> = {},
): Promise<{ command: RunningCommand; match: RegExpExecArray }> {
  const child = spawn('npm', args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const command: RunningCommand = {
    child,
    output: () => output,
    async stop(signal = 'SIGINT') {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
        process.kill(-child.pid, signal);
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve({ command, match });
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    void exited.then((code) =>
      reject(new Error(`npm ${args.join(' ')} exited (${code}) before ${ready}:\n${output}`)),
    );
  });
}
