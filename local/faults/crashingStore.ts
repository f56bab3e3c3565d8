import type { CaptureStore } from '../../shared/store.js';

/** Thrown in place of a store call once the simulated process has died. */
export class SimulatedCrash extends Error {
  constructor(call: number) {
    super(`simulated crash before store call ${call}`);
    this.name = 'SimulatedCrash';
  }
}

/** Runs one store or ledger call, or refuses it by throwing instead. */
export type StoreCallGuard = <R>(call: () => Promise<R>) => Promise<R>;

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
 * Wraps a store so that the process "dies" before call number `crashBefore` (0-based): that call and
 * every later one throw, like a killed process that never makes another request. Calls already in
 * flight complete, as they would on a real server.
 */
export function crashingStore(
  store: CaptureStore,
  crashBefore: number | null,
): CaptureStore & { calls(): number } {
  let calls = 0;
  const guarded = guardedStore(store, async (call) => {
    const index = calls++;
    if (crashBefore !== null && index >= crashBefore) throw new SimulatedCrash(index);
    return call();
  });
  return { ...guarded, calls: () => calls };
}
