import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { withTransientErrors } from '../../errors.js';
import { onceUntilSuccess } from '../../onceUntilSuccess.js';
import { codeOf, S3_TRANSIENT_ERRORS, statusOf } from './s3Errors.js';

/** The bucket both halves of an S3 store work in. */
export interface S3Bucket {
  readonly client: S3Client;
  readonly name: string;
  /**
   * Runs the S3 calls of one store operation once the bucket is usable, with transient failures
   * mapped to `TransientStoreError`; `operation` names the work in that error.
   */
  run<T>(operation: string, call: () => Promise<T>): Promise<T>;
}

/**
 * The bucket `name` through `client`. With `createIfMissing` the first operation creates it, which
 * local runs and tests want; on AWS the stack owns the bucket and the function may not create one.
 */
export function s3Bucket(client: S3Client, name: string, createIfMissing: boolean): S3Bucket {
  const ensureBucket = onceUntilSuccess(() => createBucket(client, name));
  return {
    client,
    name,
    run: (operation, call) =>
      withTransientErrors(S3_TRANSIENT_ERRORS, `${operation} in bucket ${name}`, async () => {
        if (createIfMissing) await ensureBucket();
        return call();
      }),
  };
}

async function createBucket(client: S3Client, name: string): Promise<void> {
  const region = await client.config.region();
  // us-east-1 is the one region that refuses an explicit location constraint.
  const location =
    region === 'us-east-1'
      ? {}
      : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
  try {
    await client.send(new CreateBucketCommand({ Bucket: name, ...location }));
  } catch (error) {
    // Already ours (outside us-east-1 S3 says so with 409; inside it answers 200).
    if (codeOf(error) !== 'BucketAlreadyOwnedByYou') throw error;
  }
}

/** Whether `key` is there now: the question every "did another writer finish first?" comes down to. */
export async function objectExists(bucket: S3Bucket, key: string): Promise<boolean> {
  try {
    await bucket.client.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
    return true;
  } catch (error) {
    // HEAD has no body, so a missing key is a bare 404; a missing bucket fails the write that follows.
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

/** Every object under `prefix`, page by page: ListObjectsV2 returns at most 1000 keys a call. */
export async function* listObjects(
  bucket: S3Bucket,
  prefix: string,
): AsyncGenerator<{ readonly key: string; readonly size: number }> {
  let continuation: string | undefined;
  do {
    const page = await bucket.client.send(
      new ListObjectsV2Command({ Bucket: bucket.name, Prefix: prefix, ContinuationToken: continuation }),
    );
    for (const item of page.Contents ?? []) {
      if (item.Key !== undefined) yield { key: item.Key, size: item.Size ?? 0 };
    }
    continuation = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuation);
}
