import type { LedgerStore, VersionedLedger } from '../store.js';

/**
 * The ledgers this instance last wrote, with the versions the store gave them, so the next batch of
 * a partition decides from memory instead of reading the ledger again: a read per batch is a storage
 * request per batch. Nothing here is trusted on its own: a change decided from a cached ledger is
 * written with that ledger's version, so the compare-and-set fails if any other writer (the seal
 * timer, another instance after a rebalance, an operator) came in between, and `updateLedger` then
 * drops the entry and reads the store.
 */
export interface LedgerCache {
  get(topic: string, partition: string): VersionedLedger | undefined;
  set(topic: string, partition: string, ledger: VersionedLedger): void;
  forget(topic: string, partition: string): void;
}

/**
 * One cache per ledger store object: a function instance opens its store once (at its first event),
 * so this is the instance's memory, and two instances (or a test's two simulated processes) with
 * stores of their own never share one.
 */
const caches = new WeakMap<LedgerStore, Map<string, VersionedLedger>>();

export function ledgerCacheOf(store: LedgerStore): LedgerCache {
  let entries = caches.get(store);
  if (!entries) {
    entries = new Map();
    caches.set(store, entries);
  }
  const map = entries;
  // Topic names are path segments (no "/"), so the pair is unambiguous.
  const key = (topic: string, partition: string) => `${topic}/${partition}`;
  return {
    get: (topic, partition) => map.get(key(topic, partition)),
    set: (topic, partition, ledger) => void map.set(key(topic, partition), ledger),
    forget: (topic, partition) => void map.delete(key(topic, partition)),
  };
}
