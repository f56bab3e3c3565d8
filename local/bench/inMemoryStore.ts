import { EMPTY_LEDGER, type PartitionLedger } from '../../shared/ledger.js';
import type { CaptureStore } from '../../shared/store.js';

/**
 * A store that keeps objects and ledgers in maps: the pipeline with the file I/O taken out, so the
 * bench can tell the pipeline's own work from the filesystem store's. A measuring aid only; it
 * proves nothing about stores (the store contract tests do that against real ones).
 */
export function createInMemoryStore(): CaptureStore {
  const objects = new Map<string, Buffer>();
  // The pipeline never mutates a ledger state (each change builds a new one), so states are kept
  // as given instead of serialised, which would put back a cost the filesystem store has.
  const ledgers = new Map<string, { state: PartitionLedger; version: string }>();
  let versions = 0;
  const stored = (path: string) => {
    const body = objects.get(path);
    if (!body) throw new Error(`no staged object ${path}`);
    return body;
  };
  return {
    objects: {
      async stage(path, body) {
        objects.set(path, body);
      },
      async publish(path, stagedPaths) {
        if (objects.has(path)) return 'exists';
        objects.set(path, Buffer.concat(stagedPaths.map(stored)));
        return 'created';
      },
      async deleteStaged(paths) {
        for (const path of paths) objects.delete(path);
      },
      async deleteTableMetadata(paths) {
        for (const path of paths) objects.delete(path);
      },
      async replace(path, body) {
        objects.set(path, body);
      },
      async list(prefix) {
        return [...objects.keys()].filter((path) => path.startsWith(prefix)).sort();
      },
      async read(path) {
        return stored(path);
      },
    },
    ledger: {
      async read(topic, partition) {
        const entry = ledgers.get(`${topic}/${partition}`);
        return entry ?? { state: EMPTY_LEDGER, version: null };
      },
      async write(topic, partition, state, expectedVersion) {
        const key = `${topic}/${partition}`;
        if ((ledgers.get(key)?.version ?? null) !== expectedVersion) return null;
        versions += 1;
        ledgers.set(key, { state, version: String(versions) });
        return String(versions);
      },
      async partitions(topic) {
        return [...ledgers.keys()]
          .filter((key) => key.startsWith(`${topic}/`))
          .map((key) => key.slice(topic.length + 1));
      },
    },
  };
}
