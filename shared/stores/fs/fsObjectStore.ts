import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  assertControlPath,
  assertStagingPath,
  assertTableMetadataPath,
  STAGING_PREFIX,
} from '../../paths/lakePaths.js';
import type { ObjectStore, PublishOutcome } from '../../store.js';
import { isNotFound, linkDurably, replaceFile } from './atomicFile.js';

/**
 * The lake on a local folder. Staged segments are files under `_staging/`; publishing concatenates
 * them into a temporary file and hard-links it to the object's name, which fails if the name exists:
 * an atomic create-only publish, so a visible file is never rewritten.
 */
export function createFsObjectStore(root: string): ObjectStore {
  const resolve = (path: string) => join(root, ...path.split('/'));
  const tempFolder = resolve(STAGING_PREFIX);

  return {
    async stage(path, body) {
      assertStagingPath(path);
      await replaceFile(resolve(path), body);
    },

    async publish(path, stagedPaths): Promise<PublishOutcome> {
      const target = resolve(path);
      if (await exists(target)) return 'exists';
      // Assembled under the staging area, so a crash leaves no stray file among the visible ones.
      await mkdir(tempFolder, { recursive: true });
      const temp = join(tempFolder, `.tmp-${randomUUID()}`);
      try {
        try {
          await concatenate(stagedPaths.map(resolve), temp);
        } catch (error) {
          // A concurrent sealer may have published and cleaned the staging area already.
          if (isNotFound(error) && (await exists(target))) return 'exists';
          throw error;
        }
        try {
          await linkDurably(temp, target);
          return 'created';
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
          throw error;
        }
      } finally {
        await rm(temp, { force: true });
      }
    },

    async deleteStaged(paths) {
      paths.forEach(assertStagingPath);
      await Promise.all(paths.map((path) => unlink(resolve(path)).catch(ignoreNotFound)));
    },

    async deleteTableMetadata(paths) {
      paths.forEach(assertTableMetadataPath);
      await Promise.all(paths.map((path) => unlink(resolve(path)).catch(ignoreNotFound)));
    },

    async replace(path, body) {
      assertControlPath(path);
      await replaceFile(resolve(path), body);
    },

    async list(prefix) {
      // A prefix is text, as in S3 and Blob listings: one that ends inside a name lists its folder
      // and keeps the names that start with it.
      const folder =
        prefix === '' || prefix.endsWith('/') ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const files = await walk(resolve(folder)).catch((error: unknown) =>
        isNotFound(error) ? [] : Promise.reject(error),
      );
      return files
        .map((file) => relative(root, file).split(sep).join('/'))
        .filter((path) => path.startsWith(prefix))
        .sort();
    },

    read(path) {
      return readFile(resolve(path));
    },
  };
}

async function concatenate(sources: readonly string[], target: string): Promise<void> {
  const handle = await open(target, 'wx');
  try {
    // One segment in memory at a time: segments are bounded by maxSegmentBytes.
    for (const source of sources) await handle.write(await readFile(source));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Visible files only: temporary files start with ".tmp-" and are never part of the lake. */
async function walk(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.startsWith('.tmp-') ? [] : [path];
    }),
  );
  return nested.flat();
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function ignoreNotFound(error: unknown): void {
  if (!isNotFound(error)) throw error;
}
