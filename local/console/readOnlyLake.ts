import type { CaptureStore, LedgerStore, ObjectReader } from '../../shared/store.js';

/** The ledger's reading half: what a partition's ledger holds, and which partitions have one. */
export type LedgerReader = Pick<LedgerStore, 'read' | 'partitions'>;

/**
 * A lake the console can look at and never change: its type has no write method, and the object
 * built here holds only the reading methods, so not even a cast back to `CaptureStore` reaches
 * `stage`, `publish`, `replace` or a ledger `write`.
 */
export interface ReadOnlyLake {
  readonly objects: ObjectReader;
  readonly ledger: LedgerReader;
}

export function readOnlyLakeOf(store: CaptureStore): ReadOnlyLake {
  const { objects, ledger } = store;
  return Object.freeze({
    objects: Object.freeze({
      list: (prefix: string) => objects.list(prefix),
      read: (path: string) => objects.read(path),
    }),
    ledger: Object.freeze({
      read: (topic: string, partition: string) => ledger.read(topic, partition),
      partitions: (topic: string) => ledger.partitions(topic),
    }),
  });
}
