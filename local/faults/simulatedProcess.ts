import type { CaptureStore } from '../../shared/store.js';
import { guardedStore, SimulatedCrash } from './crashingStore.js';

/** What a function does when it calls the store: capture a batch, run the seal timer, compact. */
export const CRASH_PHASES = ['ingestion', 'sealing', 'compaction'] as const;
export type CrashPhase = (typeof CRASH_PHASES)[number];

/** The process dies before the phase's store or ledger call number `before` (0-based, over the run). */
export interface CrashPoint {
  readonly phase: CrashPhase;
  readonly before: number;
}

export interface SimulatedProcess {
  /** The store as the functions of one phase see it: every call counted, refused once the process died. */
  storeFor(phase: CrashPhase): CaptureStore;
  /** Store and ledger calls made so far, per phase (refused ones not counted). */
  calls(): Record<CrashPhase, number>;
  /** True once the process reached its crash point. */
  died(): boolean;
  /** Resolves when the calls that were in flight at the crash have finished, as a killed process's requests do. */
  settled(): Promise<void>;
}

/**
 * One functions host process over a store: it counts the store and ledger calls of each phase and,
 * given a crash point, dies there: that call and every later one, of any phase, throw SimulatedCrash.
 * Its invocations hold nothing a later process could see, so a restart is a new SimulatedProcess.
 */
export function simulatedProcess(store: CaptureStore, crash: CrashPoint | null): SimulatedProcess {
  const calls: Record<CrashPhase, number> = { ingestion: 0, sealing: 0, compaction: 0 };
  const inFlight = new Set<Promise<unknown>>();
  let dead = false;
  return {
    storeFor: (phase) =>
      guardedStore(store, async (call) => {
        dead ||= crash?.phase === phase && calls[phase] === crash.before;
        if (dead) throw new SimulatedCrash(calls[phase]);
        calls[phase]++;
        const running = call();
        inFlight.add(running);
        try {
          return await running;
        } finally {
          inFlight.delete(running);
        }
      }),
    calls: () => ({ ...calls }),
    died: () => dead,
    settled: async () => {
      // Once dead nothing new starts, so waiting for what is there empties the set.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
