import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { TransientStoreError } from '../../errors.js';
import type { S3Bucket } from './s3Bucket.js';

/** An object's bytes and the version they are (its ETag, quoted as S3 returns it). */
export interface DownloadedObject {
  readonly bytes: Buffer;
  readonly etag: string | undefined;
}

/**
 * One GET into one buffer of the announced size: a single object in memory, never two copies. A body
 * that ends early or runs long is a broken transfer, so it is transient like any other network failure.
 */
export async function downloadWhole(bucket: S3Bucket, key: string): Promise<DownloadedObject> {
  const response = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
  const size = response.ContentLength;
  if (size === undefined) throw new TransientStoreError(`GET ${key} announced no Content-Length`);
  const bytes = Buffer.allocUnsafe(size);
  await fill(response, key, bytes, 0, size);
  return { bytes, etag: response.ETag };
}

/**
 * GETs `key` straight into `target` at `offset`, expecting `size` bytes: how a publish assembles a
 * part from several segments without a second copy of any of them. Another size means the object is
 * not the one that was planned for, so the caller should start over: transient.
 */
export async function downloadInto(
  bucket: S3Bucket,
  key: string,
  target: Buffer,
  offset: number,
  size: number,
): Promise<void> {
  const response = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
  if (response.ContentLength !== size) {
    (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw new TransientStoreError(`${key} has ${response.ContentLength} bytes where ${size} were listed`);
  }
  await fill(response, key, target, offset, size);
}

async function fill(
  response: GetObjectCommandOutput,
  key: string,
  target: Buffer,
  offset: number,
  size: number,
): Promise<void> {
  const body = response.Body as AsyncIterable<Uint8Array> | undefined;
  if (!body) throw new TransientStoreError(`GET ${key} returned no body`);
  let filled = 0;
  // Leaving the loop early (a throw) destroys the stream, which frees the connection.
  for await (const chunk of body) {
    if (filled + chunk.length > size)
      throw new TransientStoreError(`${key} is longer than its Content-Length ${size}`);
    target.set(chunk, offset + filled);
    filled += chunk.length;
  }
  if (filled !== size) throw new TransientStoreError(`${key} ended after ${filled} of ${size} bytes`);
}
