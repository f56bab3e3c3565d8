import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { CaptureError, TransientStoreError } from '../../errors.js';
import { type PublishOutcome, SINGLE_WRITE_MAX_BYTES } from '../../store.js';
import { listObjects, objectExists, type S3Bucket } from './s3Bucket.js';
import { downloadInto, downloadWhole } from './s3Download.js';
import { isConditionLost, isNoSuchKey } from './s3Errors.js';

const MIB = 1024 * 1024;
/** S3's minimum size of every part but the last. */
export const MIN_PART_BYTES = 5 * MIB;
/** Objects are JSON lines, compressed or not; no Content-Encoding, so readers get the .gz/.zst bytes as named. */
const OBJECT_CONTENT_TYPE = 'application/x-ndjson';

interface StagedSegment {
  readonly key: string;
  readonly size: number;
}

/** One part of a multipart upload: a staged object copied inside S3, or consecutive segments concatenated. */
type PartPlan =
  | { readonly copyOf: StagedSegment }
  | { readonly concatenate: readonly StagedSegment[]; readonly size: number };

/** A staged segment was not found: the caller decides between "another sealer finished" and a lost segment. */
class MissingSegment extends CaptureError {
  constructor(
    readonly key: string,
    options: { cause?: unknown } = {},
  ) {
    super(`staged segment ${key} is missing`, { retriable: false, cause: options.cause });
    this.name = 'MissingSegment';
  }
}

/**
 * Makes the concatenation of the staged segments visible under `target`, whole and only if nothing is
 * there: one PutObject with `If-None-Match: *` for small totals (read segment by segment, no listing),
 * else a multipart upload completed with
 * `If-None-Match: *`, where a staged object of at least 5 MiB becomes a part by UploadPartCopy (its
 * bytes never pass through the function). At most one part, or the small object, is in memory at a
 * time. Every sealer of an object publishes the same segments, so whichever completes first wins and
 * the others answer 'exists'.
 *
 * A crash between starting and completing leaves an incomplete multipart upload, invisible to readers;
 * the bucket's AbortIncompleteMultipartUpload lifecycle rule removes it.
 */
export async function publishConcatenation(
  bucket: S3Bucket,
  target: string,
  stagedPaths: readonly string[],
): Promise<PublishOutcome> {
  if (await objectExists(bucket, target)) return 'exists';
  try {
    const small = await readBelowSinglePutBound(bucket, stagedPaths);
    if (small !== null) return await putWhole(bucket, target, small);
    return await putInParts(bucket, target, planParts(await sizeSegments(bucket, stagedPaths)));
  } catch (error) {
    if (!(error instanceof MissingSegment)) throw error;
    // Another sealer may have published the object and deleted its segments since we looked.
    if (await objectExists(bucket, target)) return 'exists';
    throw new CaptureError(
      `cannot publish ${target}: staged segment ${error.key} is missing and the object does not exist (a lost segment)`,
      { retriable: false, cause: error },
    );
  }
}

/**
 * Groups consecutive segments into parts of at least 5 MiB (the last may be smaller). A segment of
 * 5 MiB or more that starts a part is copied on its own; one that arrives while a part is filling
 * joins it, since that part may not end below 5 MiB.
 */
function planParts(segments: readonly StagedSegment[]): PartPlan[] {
  const parts: PartPlan[] = [];
  let filling: StagedSegment[] = [];
  let fillingSize = 0;
  for (const segment of segments) {
    if (filling.length === 0 && segment.size >= MIN_PART_BYTES) {
      parts.push({ copyOf: segment });
      continue;
    }
    filling.push(segment);
    fillingSize += segment.size;
    if (fillingSize >= MIN_PART_BYTES) {
      parts.push({ concatenate: filling, size: fillingSize });
      filling = [];
      fillingSize = 0;
    }
  }
  if (filling.length > 0) parts.push({ concatenate: filling, size: fillingSize });
  return parts;
}

/**
 * The size of every staged segment, from one listing per folder rather than a HEAD per segment: the
 * segments of one object share their minute's folder.
 */
async function sizeSegments(bucket: S3Bucket, keys: readonly string[]): Promise<StagedSegment[]> {
  const sizes = new Map<string, number>();
  const folders = new Set(keys.map((key) => key.slice(0, key.lastIndexOf('/') + 1)));
  for (const folder of folders) {
    for await (const { key, size } of listObjects(bucket, folder)) sizes.set(key, size);
  }
  return keys.map((key) => {
    const size = sizes.get(key);
    if (size === undefined) throw new MissingSegment(key);
    return { key, size };
  });
}

/**
 * The segments read whole, one GET each, while together they stay below the single-PUT bound; null
 * once they pass it (the object then goes in parts, sized by a listing). Most minutes are small, and
 * reading them straight saves the listing a sized publish needs: a LIST is billed like a PUT.
 */
async function readBelowSinglePutBound(bucket: S3Bucket, keys: readonly string[]): Promise<Buffer | null> {
  const bodies: Buffer[] = [];
  let total = 0;
  for (const key of keys) {
    try {
      const { bytes } = await downloadWhole(bucket, key);
      bodies.push(bytes);
      total += bytes.length;
    } catch (error) {
      if (isNoSuchKey(error)) throw new MissingSegment(key, { cause: error });
      throw error;
    }
    if (total >= SINGLE_WRITE_MAX_BYTES) return null;
  }
  return Buffer.concat(bodies, total);
}

async function putWhole(bucket: S3Bucket, target: string, body: Buffer): Promise<PublishOutcome> {
  try {
    await bucket.client.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: target,
        Body: body,
        IfNoneMatch: '*',
        ContentType: OBJECT_CONTENT_TYPE,
      }),
    );
    return 'created';
  } catch (error) {
    if (isConditionLost(error)) return afterLostRace(bucket, target, error);
    throw error;
  }
}

async function putInParts(
  bucket: S3Bucket,
  target: string,
  plans: readonly PartPlan[],
): Promise<PublishOutcome> {
  const upload = { Bucket: bucket.name, Key: target };
  // CRC32 end to end: with an algorithm named at the start, S3 checks every part and wants each
  // part's checksum at completion, whatever the client's default checksum setting.
  const { UploadId } = await bucket.client.send(
    new CreateMultipartUploadCommand({
      ...upload,
      ContentType: OBJECT_CONTENT_TYPE,
      ChecksumAlgorithm: 'CRC32',
    }),
  );
  try {
    const parts: CompletedPart[] = [];
    for (const [index, plan] of plans.entries()) {
      parts.push(await sendPart(bucket, { ...upload, UploadId, PartNumber: index + 1 }, plan));
    }
    await bucket.client.send(
      new CompleteMultipartUploadCommand({
        ...upload,
        UploadId,
        IfNoneMatch: '*',
        MultipartUpload: { Parts: parts },
      }),
    );
    return 'created';
  } catch (error) {
    // Parts of an abandoned upload are stored (and billed) until aborted.
    await bucket.client.send(new AbortMultipartUploadCommand({ ...upload, UploadId })).catch(() => undefined);
    if (isConditionLost(error)) return afterLostRace(bucket, target, error);
    throw error;
  }
}

async function sendPart(
  bucket: S3Bucket,
  part: { Bucket: string; Key: string; UploadId: string | undefined; PartNumber: number },
  plan: PartPlan,
): Promise<CompletedPart> {
  if ('copyOf' in plan) {
    try {
      const { CopyPartResult } = await bucket.client.send(
        new UploadPartCopyCommand({ ...part, CopySource: copySourceOf(bucket.name, plan.copyOf.key) }),
      );
      return {
        PartNumber: part.PartNumber,
        ETag: CopyPartResult?.ETag,
        ChecksumCRC32: CopyPartResult?.ChecksumCRC32,
      };
    } catch (error) {
      if (isNoSuchKey(error)) throw new MissingSegment(plan.copyOf.key, { cause: error });
      throw error;
    }
  }
  const body = await concatenate(bucket, plan.concatenate, plan.size);
  const { ETag, ChecksumCRC32 } = await bucket.client.send(
    new UploadPartCommand({ ...part, Body: body, ChecksumAlgorithm: 'CRC32' }),
  );
  return { PartNumber: part.PartNumber, ETag, ChecksumCRC32 };
}

/** The segments' bytes in one buffer of the listed total, each segment read straight into place. */
async function concatenate(
  bucket: S3Bucket,
  segments: readonly StagedSegment[],
  total: number,
): Promise<Buffer> {
  const body = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const segment of segments) {
    try {
      await downloadInto(bucket, segment.key, body, offset, segment.size);
    } catch (error) {
      if (isNoSuchKey(error)) throw new MissingSegment(segment.key, { cause: error });
      throw error;
    }
    offset += segment.size;
  }
  return body;
}

/**
 * A conditional create failed: 412 means the object is there; 409 means another create of it was in
 * progress, which may still fail, so only an object we can see makes the answer 'exists'.
 */
async function afterLostRace(bucket: S3Bucket, target: string, error: unknown): Promise<PublishOutcome> {
  if (await objectExists(bucket, target)) return 'exists';
  throw new TransientStoreError(
    `publishing ${target} conflicted with a concurrent publish that has not finished`,
    {
      cause: error,
    },
  );
}

/** `bucket/key` with the key URL-encoded segment by segment, as the x-amz-copy-source header requires. */
function copySourceOf(bucketName: string, key: string): string {
  return `${bucketName}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
