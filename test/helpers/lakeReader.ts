import { decompressObject } from '../../shared/encode/decompress.js';
import type { ObjectStore } from '../../shared/store.js';

/** Every JSON line of every visible object under `prefix`, with the object it came from. */
export async function readLines(
  objects: ObjectStore,
  prefix: string,
): Promise<{ path: string; value: unknown }[]> {
  const lines: { path: string; value: unknown }[] = [];
  for (const path of await objects.list(prefix)) {
    const text = decompressObject(path, await objects.read(path)).toString('utf8');
    for (const line of text.split('\n')) {
      if (line !== '') lines.push({ path, value: JSON.parse(line) });
    }
  }
  return lines;
}

/** Path → bytes of everything visible under the lake's reader-facing prefixes. */
export async function snapshotVisible(objects: ObjectStore): Promise<Map<string, Buffer>> {
  const snapshot = new Map<string, Buffer>();
  for (const prefix of ['raw', 'deadletter']) {
    for (const path of await objects.list(prefix)) snapshot.set(path, await objects.read(path));
  }
  return snapshot;
}
