import type { CaptureStore } from '../../shared/store.js';

/** Thrown in place of a store call once the simulated process has died. */
export class SimulatedCrash extends Error {
  constructor(call: number, when: CrashPoint['when'] = 'before') {
    super(`simulated crash ${when} store call ${call}`);
    this.name = 'SimulatedCrash';
  }
}

/** Runs one store or ledger call, or refuses it by throwing instead. */
export type StoreCallGuard = <R>(call: () => Promise<R>) => Promise<R>;

/**
 * Where the simulated process dies: before call `call` (0-based) is made, or `after` it was made,
 * once it has taken effect but before its answer reaches the process.
 */
export interface CrashPoint {
  readonly call: number;
  readonly when: 'before' | 'after';
}

/** The store with every call of its two halves, objects and ledger, passed through `guard`. */
export function guardedStore(store: CaptureStore, guard: StoreCallGuard): CaptureStore {
  const through =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      guard(() => fn(...args));
  const { objects, ledger } = store;
  return {
    objects: {
      stage: through(objects.stage.bind(objects)),
      publish: through(objects.publish.bind(objects)),
      deleteStaged: through(objects.deleteStaged.bind(objects)),
      deleteTableMetadata: through(objects.deleteTableMetadata.bind(objects)),
      replace: through(objects.replace.bind(objects)),
      list: through(objects.list.bind(objects)),
      read: through(objects.read.bind(objects)),
    },
    ledger: {
      read: through(ledger.read.bind(ledger)),
      write: through(ledger.write.bind(ledger)),
      partitions: through(ledger.partitions.bind(ledger)),
    },
  };
}

/**
 * A guard that numbers the calls passed through it, from every client it guards (a store and a
 * catalog's client, say), and makes the process "die" at `crash`: from there on every call throws,
 * like a killed process that never makes another request. Calls already in flight complete, as they
 * would on a real server. Null never crashes, to count a run's calls.
 */
export function crashSwitch(crash: CrashPoint | null): { guard: StoreCallGuard; calls(): number } {
  let calls = 0;
  let dead = false;
  const guard: StoreCallGuard = async (call) => {
    const index = calls++;
    if (dead || (crash?.when === 'before' && index >= crash.call)) throw new SimulatedCrash(index);
    const result = await call();
    if (crash?.when === 'after' && index >= crash.call) {
      dead = true;
      throw new SimulatedCrash(index, 'after');
    }
    return result;
  };
  return { guard, calls: () => calls };
}

/**
 * Wraps a store so that the process "dies" at `crash`: before call number `crash` (0-based) when
 * given a number, or at a crash point. Null never crashes, and `calls()` counts the run's calls.
 */
export function crashingStore(
  store: CaptureStore,
  crash: number | CrashPoint | null,
): CaptureStore & { calls(): number } {
  const { guard, calls } = crashSwitch(typeof crash === 'number' ? { call: crash, when: 'before' } : crash);
  return { ...guardedStore(store, guard), calls };
}
