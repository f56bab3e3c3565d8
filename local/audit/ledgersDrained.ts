import type { CaptureContext } from '../../shared/pipeline/context.js';

/** True once every partition's ledger has nothing open and nothing waiting to be published. */
export async function ledgersDrained(context: CaptureContext): Promise<boolean> {
  const { ledger } = context.store;
  for (const partition of await ledger.partitions(context.topic.name)) {
    const { state } = await ledger.read(context.topic.name, partition);
    if (state.open.length > 0 || state.pending.length > 0) return false;
  }
  return true;
}
