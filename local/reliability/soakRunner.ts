import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lake } from '../emulators/openLake.js';
import type { Platform } from '../platforms/kafka/triggerFunctions.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RSS_EVERY_MS = 5_000;
/** RSS samples of a process's first minute are its start-up, not its steady state. */
const RSS_WARM_UP_MINUTES = 1;
/** The longest a final drain may take before the soak calls it stuck. */
const DRAIN_TIMEOUT_MS = 5 * 60_000;

/** One platform's local Kafka runner as a child process: started, killed, restarted, drained, watched. */
export class SoakRunner {
  private child: ChildProcess | undefined;
  private sampler: NodeJS.Timeout | undefined;
  private readonly lives: { minute: number; mib: number }[][] = [];
  kills = 0;

  constructor(
    private readonly topic: string,
    private readonly platform: Platform,
    private readonly bootstrap: string,
    private readonly lake: Lake,
    private readonly dir: string,
  ) {}

  private args(extra: readonly string[]): string[] {
    const endpoint =
      this.platform === 'azure'
        ? ['--azurite', this.lake.endpoints.azuriteConnectionString ?? '']
        : ['--s3-endpoint', this.lake.endpoints.s3Endpoint ?? ''];
    return [
      '--import',
      'tsx',
      join(ROOT, 'local', 'run.ts'),
      ...['--source', 'kafka', '--brokers', this.bootstrap, '--topic', this.topic],
      ...['--platform', this.platform, '--store', this.platform === 'azure' ? 'azurite' : 's3'],
      ...['--dir', this.dir, '--group', `capture-soak-${this.platform}`, ...endpoint, ...extra],
      // Retries wait 1 s doubling to 10 s rather than the platforms' minutes: with faults injected all
      // along, the platforms' waits would leave the soak mostly waiting.
      ...['--retry-wait-ms', '1000,10000'],
      // Batches wait a second at most, as the runners did before the Lambda mapping's default window
      // grew to a minute (a cost setting): a kill every few seconds should meet batches in flight.
      ...['--max-wait-ms', '1000'],
    ];
  }

  /** The runners' terminal output, kept beside their invocation logs. */
  private output(): number {
    return openSync(join(this.dir, 'runner.log'), 'a');
  }

  start(): void {
    mkdirSync(this.dir, { recursive: true });
    const log = this.output();
    // One process, not npm's or tsx's launcher: the SIGKILL must hit the runner itself.
    this.child = spawn(process.execPath, this.args([]), { cwd: ROOT, stdio: ['ignore', log, log] });
    const life: { minute: number; mib: number }[] = [];
    this.lives.push(life);
    const pid = this.child.pid;
    this.sampler = setInterval(() => {
      void rssMiB(pid).then((mib) => {
        if (mib !== null) life.push({ minute: Date.now() / 60_000, mib });
      });
    }, RSS_EVERY_MS);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    clearInterval(this.sampler);
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    this.kills += 1;
  }

  /** The last run, with `--until-drained`: it exits once every record is committed and sealed. */
  async drain(): Promise<void> {
    await this.kill();
    const log = this.output();
    const child = spawn(process.execPath, this.args(['--until-drained']), {
      cwd: ROOT,
      stdio: ['ignore', log, log],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), DRAIN_TIMEOUT_MS);
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    clearTimeout(timer);
    if (code !== 0) {
      const tail = (await readFile(join(this.dir, 'runner.log'), 'utf8').catch(() => '')).slice(-2000);
      throw new Error(
        `the ${this.platform} runner's final drain ended with ${code}; its output ends with:\n${tail}`,
      );
    }
  }

  async stop(): Promise<void> {
    await this.kill();
  }

  /** The position restarts the runner logged, in words. */
  async restartsLogged(): Promise<string[]> {
    const text = await readFile(join(this.dir, '_logs', 'invocations.jsonl'), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.includes('"event":"capture.positions-restarted"'))
      .map((line) => {
        const restart = JSON.parse(line) as {
          partition: string;
          kind: string;
          generation: number;
          evidence: string;
        };
        return `partition ${restart.partition} ${restart.kind} to generation ${restart.generation}: ${restart.evidence}`;
      });
  }

  /** Each process life's RSS after its first minute: its first and last sample and their trend. */
  rssLives() {
    return this.lives
      .map((life) => life.filter(({ minute }) => minute - (life[0]?.minute ?? 0) >= RSS_WARM_UP_MINUTES))
      .filter((steady) => steady.length >= 3)
      .map((steady) => ({
        samples: steady.length,
        minutes: (steady.at(-1)?.minute ?? 0) - (steady[0]?.minute ?? 0),
        firstMiB: steady[0]?.mib ?? 0,
        lastMiB: steady.at(-1)?.mib ?? 0,
        slopeMiBPerMinute: slope(steady.map(({ minute, mib }) => [minute, mib])),
      }));
  }
}

async function rssMiB(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kib = status === null ? undefined : /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kib === undefined ? null : Number(kib) / 1024;
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}
