import { DeleteObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CaptureError, TransientStoreError } from '../../errors.js';
import { assertControlPath, assertStagingPath, assertTableMetadataPath } from '../../paths/lakePaths.js';
import type { ObjectStore } from '../../store.js';
import { listObjects, type S3Bucket } from './s3Bucket.js';
import { downloadWhole } from './s3Download.js';
import { publishConcatenation } from './s3Publish.js';

/** DeleteObjects takes at most 1000 keys per request. */
const DELETE_BATCH_KEYS = 1000;
/** Per-key failures of DeleteObjects that a later try can clear. */
const TRANSIENT_DELETE_CODES = new Set(['InternalError', 'SlowDown', 'ServiceUnavailable']);

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
      for (let start = 0; start < paths.length; start += DELETE_BATCH_KEYS) {
        await deleteBatch(bucket, paths.slice(start, start + DELETE_BATCH_KEYS));
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

/** Deleting a key that is not there succeeds in S3, so only real failures come back per key. */
async function deleteBatch(bucket: S3Bucket, keys: readonly string[]): Promise<void> {
  const { Errors = [] } = await bucket.client.send(
    new DeleteObjectsCommand({
      Bucket: bucket.name,
      Delete: { Objects: keys.map((key) => ({ Key: key })), Quiet: true },
    }),
  );
  const [first] = Errors;
  if (!first) return;
  const message = `could not delete ${Errors.length} staged segments, e.g. ${first.Key}: ${first.Code} ${first.Message ?? ''}`;
  if (Errors.every((error) => TRANSIENT_DELETE_CODES.has(error.Code ?? '')))
    throw new TransientStoreError(message);
  throw new CaptureError(message, { retriable: false });
}
