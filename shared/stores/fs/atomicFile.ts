import { randomUUID } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Writes `data` to a fresh temporary file beside `target`, flushed to disk, and returns its path. */
export async function writeTempBeside(target: string, data: Buffer | string): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.tmp-${randomUUID()}`);
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
  await rename(await writeTempBeside(target, data), target);
}
