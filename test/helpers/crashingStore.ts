import type { CaptureStore } from '../../shared/store.js';

/** Thrown in place of a store call once the simulated process has died. */
export class SimulatedCrash extends Error {
  constructor(call: number) {
    super(`simulated crash before store call ${call}`);
    this.name = 'SimulatedCrash';
  }
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
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const call = calls++;
      if (crashBefore !== null && call >= crashBefore) throw new SimulatedCrash(call);
      return fn(...args);
    };
  const { objects, ledger } = store;
  return {
    calls: () => calls,
    objects: {
      stage: guard(objects.stage.bind(objects)),
      publish: guard(objects.publish.bind(objects)),
      deleteStaged: guard(objects.deleteStaged.bind(objects)),
      list: guard(objects.list.bind(objects)),
      read: guard(objects.read.bind(objects)),
    },
    ledger: {
      read: guard(ledger.read.bind(ledger)),
      write: guard(ledger.write.bind(ledger)),
      partitions: guard(ledger.partitions.bind(ledger)),
    },
  };
}
