import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { expect } from 'vitest';
import { decompressObject } from '../../shared/encode/decompress.js';
import { DEAD_LETTER_PREFIX, RAW_PREFIX } from '../../shared/paths/lakePaths.js';
import type { CaptureStore, ObjectStore } from '../../shared/store.js';

/** One line of a visible object, as text: its bytes are what a reader of the lake gets. */
export interface LakeLine {
  readonly kind: 'raw' | 'deadletter';
  readonly path: string;
  readonly text: string;
}

/** A line that names its record (an envelope or a dead letter), parsed. */
export interface RecordLine extends LakeLine {
  readonly value: Record<string, unknown>;
}

/** Every line of every visible raw and dead-letter object: objects in name order, lines in order. */
export async function readLakeLines(objects: ObjectStore): Promise<LakeLine[]> {
  const lines: LakeLine[] = [];
  for (const [kind, prefix] of [
    ['raw', RAW_PREFIX],
    ['deadletter', DEAD_LETTER_PREFIX],
  ] as const) {
    for (const path of await objects.list(`${prefix}/`)) {
      const content = decompressObject(path, await objects.read(path)).toString('utf8');
      for (const text of content.split('\n')) if (text !== '') lines.push({ kind, path, text });
    }
  }
  return lines;
}

/**
 * Checks the contract's accounting after every minute is sealed and returns each record's line by
 * `"<partition>:<position>"`: every delivered record is in exactly one raw or dead-letter object
 * (none lost, none twice, nothing that was not delivered), nothing waits in staging, and every
 * object lies under the topic's raw or dead-letter prefix (or the ledger's). Needs envelope lines,
 * which carry their coordinates.
 */
export async function auditDelivery(
  store: CaptureStore,
  topic: string,
  delivered: readonly { readonly partition: number; readonly offset: number }[],
): Promise<Map<string, RecordLine>> {
  const everything = await store.objects.list('');
  const allowed = [`${RAW_PREFIX}/${topic}/`, `${DEAD_LETTER_PREFIX}/${topic}/`, `_ledger/${topic}/`];
  expect(everything.filter((path) => !allowed.some((prefix) => path.startsWith(prefix)))).toEqual([]);

  const byRecord = new Map<string, RecordLine>();
  const repeated: string[] = [];
  for (const line of await readLakeLines(store.objects)) {
    const value = JSON.parse(line.text) as Record<string, unknown>;
    const id = `${value.partition}:${value.position}`;
    if (byRecord.has(id)) repeated.push(id);
    byRecord.set(id, { ...line, value });
  }
  expect(repeated).toEqual([]);
  const expected = [...new Set(delivered.map((record) => `${record.partition}:${record.offset}`))];
  expect([...byRecord.keys()].sort()).toEqual(expected.sort());
  return byRecord;
}

/** Files under `folder` that are not under `root`: a lake on the filesystem must write nothing else. */
export async function filesOutside(folder: string, root: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => !`${folder}/${path}`.startsWith(`${root}/`));
}
