import { randomUUID } from 'node:crypto';
import { CaptureError } from '../../errors.js';
import { ICEBERG_VERSION_HINT, STAGING_PREFIX } from '../../paths/lakePaths.js';
import type { ObjectReader, ObjectStore } from '../../store.js';
import type { IcebergCatalog, MetadataPointer } from './catalog.js';
import { metadataFileVersion } from './metadataFileVersion.js';

/**
 * The catalog that is only files, as Iceberg's "File System Tables" and Hadoop catalog lay them out:
 * `metadata/v<N>.metadata.json`, each created only if absent (the create-only publish every store
 * has), so whoever creates version N+1 first has committed; then `metadata/version-hint.text` says N+1.
 * The hint is only a hint: a crash before it is written leaves it behind, and every reader (Spark's
 * Hadoop catalog, this one) looks for the versions after it. pyiceberg's static tables read it, or
 * take a metadata file's path.
 *
 * @example
 * const catalog = pathCatalog(store.objects, 'compacted/orders/');
 */
export function pathCatalog(objects: ObjectStore, root: string): IcebergCatalog {
  const hintPath = `${root}${ICEBERG_VERSION_HINT}`;
  return {
    description: `the path catalog at ${root}`,

    currentMetadata: () => pathCatalogPointer(objects, root),

    async commit(previous, bytes) {
      const next = versionPointer(root, (previous?.version ?? 0) + 1);
      const staging = `${STAGING_PREFIX}/iceberg/${next.path}-${randomUUID()}`;
      await objects.stage(staging, bytes);
      const outcome = await objects.publish(next.path, [staging]);
      await objects.deleteStaged([staging]);
      if (outcome !== 'created') return null;
      await objects.replace(hintPath, Buffer.from(String(next.version)));
      return next;
    },
  };
}

/**
 * The path catalog's current metadata file, found as every reader of it finds it: the version hint,
 * then any versions after it (a writer that stopped before moving the hint). Reads only, so a
 * read-only view of the lake (the console) finds the table as compaction does.
 */
export async function pathCatalogPointer(
  objects: ObjectReader,
  root: string,
): Promise<MetadataPointer | null> {
  const hintPath = `${root}${ICEBERG_VERSION_HINT}`;
  const exists = async (path: string) => (await objects.list(path)).includes(path);
  let version = 0;
  if (await exists(hintPath)) {
    const hinted = Number((await objects.read(hintPath)).toString('utf8').trim());
    if (!Number.isSafeInteger(hinted) || hinted < 1) {
      throw new CaptureError(`${hintPath} does not hold a version number`, { retriable: false });
    }
    version = hinted;
  } else {
    // No hint yet: the table is new, or its first writer stopped before writing one.
    for (const path of await objects.list(`${root}metadata/v`)) {
      version = Math.max(version, metadataFileVersion(path));
    }
  }
  while (await exists(versionPointer(root, version + 1).path)) version++;
  return version === 0 ? null : versionPointer(root, version);
}

function versionPointer(root: string, version: number): MetadataPointer {
  return { path: `${root}metadata/v${version}.metadata.json`, version };
}
