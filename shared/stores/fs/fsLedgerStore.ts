import { readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EMPTY_LEDGER } from '../../ledger.js';
import { decodeLedger, encodeLedger } from '../../ledgerCodec.js';
import type { LedgerStore, VersionedLedger } from '../../store.js';
import { isNotFound, linkDurably, writeTemp } from './atomicFile.js';

/** Versions kept behind the newest; older ones are pruned (see `write` for why that stays safe). */
const KEPT_VERSIONS = 8;

/**
 * The ledger on a local folder, one folder per (topic, partition) holding numbered versions
 * `000000000042.json`. A write creates version n+1 with an exclusive hard link, which fails when
 * another writer created it first: compare-and-set without locks, so a killed process never leaves
 * a lock behind.
 */
export function createFsLedgerStore(root: string): LedgerStore {
  const folderOf = (topic: string, partition: string) => join(root, '_ledger', topic, partition);

  return {
    async read(topic, partition): Promise<VersionedLedger> {
      const folder = folderOf(topic, partition);
      // A pruner may remove the version we just listed; listing again finds the newer one.
      for (;;) {
        const newest = (await versions(folder)).at(-1);
        if (newest === undefined) return { state: EMPTY_LEDGER, version: null };
        try {
          const file = join(folder, fileName(newest));
          const text = await readFile(file, 'utf8');
          return { state: decodeLedger(text, file), version: String(newest) };
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
    },

    async write(topic, partition, state, expectedVersion): Promise<string | null> {
      const folder = folderOf(topic, partition);
      const next = expectedVersion === null ? 1 : Number(expectedVersion) + 1;
      const target = join(folder, fileName(next));
      // A ledger removed since it was read (lost, or moved aside by an operator) must not be
      // recreated from a writer's memory: as on S3 and Azure, replacing what is gone is a conflict.
      if (expectedVersion !== null && (await versions(folder)).length === 0) return null;
      const temp = await writeTemp(folder, encodeLedger(state));
      try {
        await linkDurably(temp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
        throw error;
      } finally {
        await rm(temp, { force: true });
      }
      // A writer far behind could recreate a version that was pruned; such a version is never the
      // newest, so finding a newer one means this write did not take effect. Saying "conflict" when a
      // successor already built on us is safe too: the caller re-reads and finds its own work there.
      const all = await versions(folder);
      if ((all.at(-1) ?? next) > next) return null;
      await Promise.all(
        all
          .filter((version) => version <= next - KEPT_VERSIONS)
          .map((version) => unlink(join(folder, fileName(version))).catch(() => {})),
      );
      return String(next);
    },

    async partitions(topic) {
      try {
        return (await readdir(join(root, '_ledger', topic), { withFileTypes: true }))
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name)
          .sort((a, b) => Number(a) - Number(b));
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
    },
  };
}

function fileName(version: number): string {
  return `${String(version).padStart(12, '0')}.json`;
}

async function versions(folder: string): Promise<number[]> {
  try {
    return (await readdir(folder))
      .filter((name) => /^\d{12}\.json$/.test(name))
      .map((name) => Number(name.slice(0, 12)))
      .sort((a, b) => a - b);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
