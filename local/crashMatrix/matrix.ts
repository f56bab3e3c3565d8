import pLimit from 'p-limit';
import { firstDifference, type LakeSnapshot, snapshotLake } from '../audit/lakeSnapshot.js';
import {
  type Lake,
  type LakeKind,
  openLake,
  type RunningEmulators,
  startEmulator,
} from '../emulators/openLake.js';
import {
  CRASH_PHASES,
  type CrashPhase,
  type CrashPoint,
  simulatedProcess,
} from '../faults/simulatedProcess.js';
import { CRASH_SCENARIO, describeStep, runStep, SCENARIO_TOPIC } from './scenario.js';

export interface CrashMismatch extends CrashPoint {
  /** The step the process died in. */
  readonly step: string;
  /** How the lake after the crash and restart differs from the run without crashes, or how the run failed. */
  readonly difference: string;
}

export interface CrashMatrixReport {
  readonly store: LakeKind;
  /** Store and ledger calls of each phase in the run without crashes: one crash point before each. */
  readonly callsPerPhase: Record<CrashPhase, number>;
  /** Runs whose process died at its crash point, per phase. */
  readonly crashesInjected: Record<CrashPhase, number>;
  /** Runs that left exactly what the run without crashes left. */
  readonly identical: number;
  readonly mismatches: readonly CrashMismatch[];
  /** What the run without crashes left visible, so a reader can see what was compared. */
  readonly referenceObjects: readonly string[];
  readonly durationMs: number;
}

export interface CrashMatrixOptions {
  readonly store: LakeKind;
  /** Running emulators to use; one is started for the matrix otherwise. */
  readonly emulators?: RunningEmulators | undefined;
}

/**
 * Crash runs at once, each on a lake of its own: while one waits for the server another computes
 * (compression, Parquet, the SDKs), which shortens the matrix by about a third on two cores. More do
 * not help: the S3 emulator answers one request at a time.
 */
const PARALLEL_RUNS = 4;

/**
 * The crash matrix: the scenario (see `CRASH_SCENARIO`) runs once without crashes, counting the store
 * and ledger calls of each phase, and its lake and ledgers are the reference. Then, for every call of
 * every phase, it runs on an empty lake with the process killed before that call, followed by a
 * restart: a new process with nothing in memory, to which the platform gives again what the dead one
 * did not finish (the batch not acknowledged, the timer's next run, compaction's next run), and the
 * scenario goes on. What is left must equal the reference, object for object and byte for byte.
 */
export async function runCrashMatrix(options: CrashMatrixOptions): Promise<CrashMatrixReport> {
  const began = Date.now();
  const started = options.emulators === undefined ? await startEmulator(options.store) : undefined;
  const emulators = options.emulators ?? started?.emulators ?? {};
  // Every run opens a lake of its own on the same emulator: no run sees another's objects or ledgers.
  // An S3 lake keeps its ledger in a DynamoDB table, as the AWS stack deploys it.
  const newLake = () => openLake(options.store, { emulators, ledgerInTable: options.store === 's3' });
  try {
    const reference = await newLake();
    const { calls: callsPerPhase, failure } = await playScenario(reference, null);
    if (failure !== null) {
      throw new Error(
        `the crash matrix scenario fails without any crash, so there is nothing to compare with: ${messageOf(failure)}`,
        { cause: failure },
      );
    }
    const expected = await snapshotLake(await reference.reopen(), SCENARIO_TOPIC.name);
    await reference.close();
    const crashPoints = CRASH_PHASES.flatMap((phase) =>
      Array.from({ length: callsPerPhase[phase] }, (_, before): CrashPoint => ({ phase, before })),
    );
    const limit = pLimit(PARALLEL_RUNS);
    const outcomes = await Promise.all(
      crashPoints.map((crash) => limit(() => crashRun(newLake, crash, expected))),
    );
    const crashesInjected: Record<CrashPhase, number> = { ingestion: 0, sealing: 0, compaction: 0 };
    for (const { crash, crashedIn } of outcomes) if (crashedIn !== null) crashesInjected[crash.phase]++;
    const mismatches = outcomes.flatMap(({ crash, crashedIn, difference }) =>
      difference === null ? [] : [{ ...crash, step: crashedIn ?? 'no step', difference }],
    );
    return {
      store: options.store,
      callsPerPhase,
      crashesInjected,
      identical: outcomes.length - mismatches.length,
      mismatches,
      referenceObjects: [...expected.objects.keys()],
      durationMs: Date.now() - began,
    };
  } finally {
    await started?.stop();
  }
}

/** One crash run on a lake of its own, compared with the reference and then removed. */
async function crashRun(
  newLake: () => Promise<Lake>,
  crash: CrashPoint,
  expected: LakeSnapshot,
): Promise<{ crash: CrashPoint; crashedIn: string | null; difference: string | null }> {
  const lake = await newLake();
  try {
    const { crashedIn, failure } = await playScenario(lake, crash);
    if (failure !== null) return { crash, crashedIn, difference: `the run failed: ${messageOf(failure)}` };
    if (crashedIn === null)
      return { crash, crashedIn, difference: 'the crash point was never reached: this run made fewer calls' };
    const actual = await snapshotLake(await lake.reopen(), SCENARIO_TOPIC.name);
    return { crash, crashedIn, difference: firstDifference(expected, actual) };
  } finally {
    await lake.close();
  }
}

interface ScenarioRun {
  /** Calls per phase of the last process: of the whole run when nothing crashed. */
  readonly calls: Record<CrashPhase, number>;
  /** The step the process died in (see `describeStep`), or null. */
  readonly crashedIn: string | null;
  /** What a step threw that was not the crash: the run stopped there. */
  readonly failure: unknown;
}

/**
 * Plays the scenario step by step. When the process dies during a step, the calls it had in flight
 * finish, then a new process does that step again at the same clock time (the platform redelivers
 * the batch it never saw acknowledged, the timer and compaction run again) and the scenario goes on.
 */
async function playScenario(lake: Lake, crash: CrashPoint | null): Promise<ScenarioRun> {
  let process = simulatedProcess(await lake.reopen(), crash);
  let crashedIn: string | null = null;
  for (const step of CRASH_SCENARIO) {
    let failure = await failureOf(runStep(process, step));
    // A step that got through although its process died never reported success either.
    if (process.died()) {
      await process.settled();
      crashedIn = describeStep(step);
      process = simulatedProcess(await lake.reopen(), null);
      failure = await failureOf(runStep(process, step));
    }
    if (failure !== null) return { calls: process.calls(), crashedIn, failure };
  }
  return { calls: process.calls(), crashedIn, failure: null };
}

function failureOf(work: Promise<void>): Promise<unknown> {
  return work.then(
    () => null,
    (error: unknown) => error ?? new Error('a step failed without saying why'),
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
