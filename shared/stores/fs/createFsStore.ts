import type { CaptureStore } from '../../store.js';
import { createFsLedgerStore } from './fsLedgerStore.js';
import { createFsObjectStore } from './fsObjectStore.js';

/** Lake and ledger in one local folder: `raw/`, `deadletter/`, `_staging/`, `_ledger/`. */
export function createFsStore(root: string): CaptureStore {
  return { objects: createFsObjectStore(root), ledger: createFsLedgerStore(root) };
}
