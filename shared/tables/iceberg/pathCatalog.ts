import { randomUUID } from 'node:crypto';
import { CaptureError } from '../../errors.js';
import { ICEBERG_VERSION_HINT, STAGING_PREFIX } from '../../paths/lakePaths.js';
import type { ObjectStore } from '../../store.js';
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
  const folder = `${root}metadata/`;
  const hintPath = `${root}${ICEBERG_VERSION_HINT}`;
  const pointer = (version: number): MetadataPointer => ({
    path: `${folder}v${version}.metadata.json`,
    version,
  });
  const exists = async (path: string) => (await objects.list(path)).includes(path);

  return {
    description: `the path catalog at ${root}`,

    async currentMetadata() {
      let version = 0;
      if (await exists(hintPath)) {
        const hinted = Number((await objects.read(hintPath)).toString('utf8').trim());
        if (!Number.isSafeInteger(hinted) || hinted < 1) {
          throw new CaptureError(`${hintPath} does not hold a version number`, { retriable: false });
        }
        version = hinted;
      } else {
        // No hint yet: the table is new, or its first writer stopped before writing one.
        for (const path of await objects.list(`${folder}v`)) {
          version = Math.max(version, metadataFileVersion(path));
        }
      }
      while (await exists(pointer(version + 1).path)) version++;
      return version === 0 ? null : pointer(version);
    },

    async commit(previous, bytes) {
      const next = pointer((previous?.version ?? 0) + 1);
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
