import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CaptureError } from '../../errors.js';
import { assertControlPath, assertStagingPath, assertTableMetadataPath } from '../../paths/lakePaths.js';
import type { ObjectStore } from '../../store.js';
import { listObjects, type S3Bucket } from './s3Bucket.js';
import { downloadWhole } from './s3Download.js';
import { codeOf, isTransientS3Error } from './s3Errors.js';
import { publishConcatenation } from './s3Publish.js';

/**
 * Parallel deletes per round. One DELETE per key rather than a DeleteObjects of many: S3 bills DELETE
 * requests at nothing, while DeleteObjects is a POST. A sealed minute has only a few segments; a
 * maintenance run's hundreds of table metadata files take rounds, which costs time, not money.
 */
const DELETE_CONCURRENCY = 16;

/**
 * `ObjectStore` on S3. Staged segments are objects under `_staging/`; publishing writes the visible
 * object from them with a conditional create (`If-None-Match: *`), so an object appears whole, once,
 * and is never replaced.
 *
 * @example
 * const objects = createS3ObjectStore(s3Bucket(s3ClientFor(), 'lake', false));
 */
export function createS3ObjectStore(bucket: S3Bucket): ObjectStore {
  const deleteKeys = (operation: string, paths: readonly string[]) =>
    bucket.run(operation, async () => {
      for (let start = 0; start < paths.length; start += DELETE_CONCURRENCY) {
        const round = paths.slice(start, start + DELETE_CONCURRENCY);
        // Deleting a key that is not there succeeds in S3, so a repeated delete is harmless.
        await Promise.all(round.map((key) => deleteKey(bucket, key)));
      }
    });
  return {
    async stage(path, body) {
      assertStagingPath(path);
      await bucket.run(`stage ${path}`, () =>
        bucket.client.send(new PutObjectCommand({ Bucket: bucket.name, Key: path, Body: body })),
      );
    },

    publish(path, stagedPaths) {
      return bucket.run(`publish ${path}`, () => publishConcatenation(bucket, path, stagedPaths));
    },

    async deleteStaged(paths) {
      paths.forEach(assertStagingPath);
      await deleteKeys('delete staged segments', paths);
    },

    async deleteTableMetadata(paths) {
      paths.forEach(assertTableMetadataPath);
      await deleteKeys('delete unreferenced table metadata', paths);
    },

    async replace(path, body) {
      assertControlPath(path);
      await bucket.run(`replace ${path}`, () =>
        bucket.client.send(new PutObjectCommand({ Bucket: bucket.name, Key: path, Body: body })),
      );
    },

    list(prefix) {
      return bucket.run(`list ${prefix}`, async () => {
        const keys: string[] = [];
        for await (const { key } of listObjects(bucket, prefix)) keys.push(key);
        // S3 lists in UTF-8 byte order; the interface promises JavaScript's order.
        return keys.sort();
      });
    },

    read(path) {
      return bucket.run(`read ${path}`, async () => (await downloadWhole(bucket, path)).bytes);
    },
  };
}

/**
 * One DELETE. A refusal no retry clears (AccessDenied, NoSuchBucket) becomes a permanent error that
 * names the key and the permission to check; transient failures pass on to the bucket's `run`.
 */
async function deleteKey(bucket: S3Bucket, key: string): Promise<void> {
  try {
    await bucket.client.send(new DeleteObjectCommand({ Bucket: bucket.name, Key: key }));
  } catch (error) {
    if (isTransientS3Error(error)) throw error;
    throw new CaptureError(
      `could not delete ${key} in bucket ${bucket.name} (${String(codeOf(error))}): ` +
        `check that the function's role has s3:DeleteObject on the key's prefix`,
      { retriable: false, cause: error },
    );
  }
}
