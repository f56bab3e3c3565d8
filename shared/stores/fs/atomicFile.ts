import { randomUUID } from 'node:crypto';
import { link, mkdir, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `data` to a fresh temporary file in `folder`, flushed to disk, and returns its path. Its name
 * starts with ".tmp-": listings of the lake skip such files, so one left by a crash is never read.
 */
export async function writeTemp(folder: string, data: Buffer | string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `.tmp-${randomUUID()}`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Replaces `target` in one step: readers see the old bytes or the new bytes, never a mix. */
export async function replaceFile(target: string, data: Buffer | string): Promise<void> {
  await rename(await writeTemp(dirname(target), data), target);
  await syncDirectory(dirname(target));
}

/**
 * Gives `source` the name `target` unless `target` exists (EEXIST then propagates): the create-only
 * step of publishing and of the ledger's compare-and-set. The folder is flushed too, so a name that
 * was reported created survives a power loss.
 */
export async function linkDurably(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await link(source, target);
  await syncDirectory(dirname(target));
}

async function syncDirectory(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The error a missing file or folder gives: often an expected answer here, not a failure. */
export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
