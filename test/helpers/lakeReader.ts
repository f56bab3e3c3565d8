import { decompressObject } from '../../shared/encode/decompress.js';
import type { ObjectStore } from '../../shared/store.js';
import { type ContainerFile, readContainerFile } from './avroReader.js';

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

/** Every Avro object under `prefix`, read strictly (one header, every block ending in its sync marker). */
export async function readContainerFiles(
  objects: ObjectStore,
  prefix: string,
): Promise<(ContainerFile & { path: string })[]> {
  const files: (ContainerFile & { path: string })[] = [];
  for (const path of await objects.list(prefix)) {
    if (path.endsWith('.avro')) files.push({ path, ...readContainerFile(await objects.read(path), path) });
  }
  return files;
}

/** Path → bytes of everything visible under the lake's reader-facing prefixes. */
export async function snapshotVisible(objects: ObjectStore): Promise<Map<string, Buffer>> {
  const snapshot = new Map<string, Buffer>();
  for (const prefix of ['raw', 'deadletter']) {
    for (const path of await objects.list(prefix)) snapshot.set(path, await objects.read(path));
  }
  return snapshot;
}
