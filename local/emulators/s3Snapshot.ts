import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/**
 * The S3 emulator keeps buckets in memory, so a local command saves the bucket to a folder when it
 * ends and the next command restores it: `npm run invoke -- aws-ingest --store s3` followed by
 * `npm run invoke -- seal --store s3` see the same lake, as two invocations on AWS would. ETags are
 * content hashes, so restored ledgers keep their versions.
 */
export async function restoreBucket(client: S3Client, bucket: string, folder: string): Promise<number> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const files = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  let restored = 0;
  for (const file of files) {
    if (!file.isFile()) continue;
    const path = join(file.parentPath, file.name);
    const key = relative(folder, path).split(sep).join('/');
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(path) }));
    restored++;
  }
  return restored;
}

/** Replaces `folder` with every object of the bucket, one file per key. */
export async function saveBucket(client: S3Client, bucket: string, folder: string): Promise<number> {
  await rm(folder, { recursive: true, force: true });
  let saved = 0;
  let continuationToken: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: continuationToken }),
    );
    for (const { Key: key } of page.Contents ?? []) {
      if (!key) continue;
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const path = join(folder, ...key.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(
        path,
        await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      saved++;
    }
    continuationToken = page.NextContinuationToken;
  } while (continuationToken);
  return saved;
}
