import { createHash } from 'node:crypto';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { CaptureError, TransientStoreError, withTransientErrors } from '../../errors.js';
import { onceUntilSuccess } from '../../onceUntilSuccess.js';
import { assertControlPath, assertStagingPath, assertTableMetadataPath } from '../../paths/lakePaths.js';
import { type ObjectStore, type PublishOutcome, SINGLE_WRITE_MAX_BYTES } from '../../store.js';
import { AZURE_TRANSIENT_ERRORS, statusOf } from './azureErrors.js';

/** Objects are JSON lines, compressed or not; no Content-Encoding, so readers get the .gz/.zst bytes as named. */
const OBJECT_CONTENT_TYPE = 'application/x-ndjson';
/** Parallel deletes per round: enough to clear a sealed minute quickly without a burst of throttling. */
const DELETE_CONCURRENCY = 16;

/**
 * `ObjectStore` on Azure Blob Storage. Staged segments are block blobs under `_staging/`; publishing
 * writes the visible blob from them with a conditional create (`If-None-Match: *`, see
 * `publishConcatenation`), so an object appears whole, once, and is never replaced. The container is
 * created on first use, unless `createIfMissing` is false: a reader with a read-only role (the
 * console) may not create it, and must not create one whose name was mistyped.
 *
 * @example
 * const objects = createBlobObjectStore(BlobServiceClient.fromConnectionString(cs).getContainerClient('lake'));
 */
export function createBlobObjectStore(container: ContainerClient, createIfMissing = true): ObjectStore {
  const ensureContainer = createIfMissing
    ? onceUntilSuccess(() => container.createIfNotExists())
    : async () => {};
  const run = <T>(operation: string, call: () => Promise<T>) =>
    withTransientErrors(
      AZURE_TRANSIENT_ERRORS,
      `${operation} in container ${container.containerName}`,
      async () => {
        await ensureContainer();
        return call();
      },
    );
  const blob = (path: string) => container.getBlockBlobClient(path);
  const deleteBlobs = (operation: string, paths: readonly string[]) =>
    run(operation, async () => {
      for (let start = 0; start < paths.length; start += DELETE_CONCURRENCY) {
        const round = paths.slice(start, start + DELETE_CONCURRENCY);
        await Promise.all(round.map((path) => blob(path).deleteIfExists()));
      }
    });

  return {
    async stage(path, body) {
      assertStagingPath(path);
      await run(`stage ${path}`, () => blob(path).upload(body, body.length));
    },

    publish(path, stagedPaths) {
      return run(`publish ${path}`, () => publishConcatenation(blob(path), stagedPaths.map(blob)));
    },

    async deleteStaged(paths) {
      paths.forEach(assertStagingPath);
      await deleteBlobs('delete staged segments', paths);
    },

    async deleteTableMetadata(paths) {
      paths.forEach(assertTableMetadataPath);
      await deleteBlobs('delete unreferenced table metadata', paths);
    },

    async replace(path, body) {
      assertControlPath(path);
      await run(`replace ${path}`, () => blob(path).upload(body, body.length));
    },

    list(prefix) {
      return run(`list ${prefix}`, async () => {
        const names: string[] = [];
        for await (const item of container.listBlobsFlat({ prefix })) names.push(item.name);
        return names.sort();
      });
    },

    read(path) {
      return run(`read ${path}`, () => downloadWhole(blob(path)));
    },
  };
}

/**
 * Makes the concatenation of the staged segments visible under `target`, whole and only if no blob is
 * there: below 16 MiB in all, one Put Blob `If-None-Match: *` of the bytes read back (one write
 * operation, billed like each Put Block, so a minute of n segments costs one write instead of n + 1);
 * from there on, every segment becomes a block and Put Block List `If-None-Match: *` commits them, so
 * one publish holds at most twice 16 MiB (the segments and their concatenation) or, in blocks, one
 * segment (the seal timer publishes a topic's partitions at once, as on S3). Only sealers stage blocks into a final blob, and every sealer of an object stages
 * the same ids with the same bytes (segment names are deterministic and restaging writes identical
 * content), so a concurrent sealer replacing or discarding our uncommitted blocks changes nothing.
 * Ingestion never stages blocks into final blobs: Put Block List discards every uncommitted block it
 * does not name.
 */
async function publishConcatenation(
  target: BlockBlobClient,
  staged: readonly BlockBlobClient[],
): Promise<PublishOutcome> {
  if (await target.exists()) return 'exists';
  let held: { readonly blockId: string; readonly body: Buffer }[] = [];
  let heldBytes = 0;
  const blockIds: string[] = [];
  for (const [index, segment] of staged.entries()) {
    let body: Buffer;
    try {
      body = await downloadWhole(segment);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      // Another sealer may have published the object and deleted its segments since we looked.
      if (await target.exists()) return 'exists';
      throw new CaptureError(
        `cannot publish ${target.name}: staged segment ${segment.name} is missing and the object does not exist (a lost segment)`,
        { retriable: false, cause: error },
      );
    }
    held.push({ blockId: blockIdOf(index, segment.name), body });
    heldBytes += body.length;
    if (blockIds.length === 0 && heldBytes < SINGLE_WRITE_MAX_BYTES) continue;
    for (const block of held) {
      await target.stageBlock(block.blockId, block.body, block.body.length);
      blockIds.push(block.blockId);
    }
    held = [];
  }
  const whole = blockIds.length === 0;
  const conditions = { ifNoneMatch: '*' };
  const blobHTTPHeaders = { blobContentType: OBJECT_CONTENT_TYPE };
  try {
    if (whole) {
      // One buffer, as on S3: with a stream factory over the held segments, two full test runs each
      // had one Azurite test wait until its timeout; none did with a buffer.
      const body =
        held.length === 1
          ? (held[0] as { body: Buffer }).body
          : Buffer.concat(
              held.map((block) => block.body),
              heldBytes,
            );
      await target.upload(body, body.length, { conditions, blobHTTPHeaders });
    } else {
      await target.commitBlockList(blockIds, { conditions, blobHTTPHeaders });
    }
    return 'created';
  } catch (error) {
    const status = statusOf(error);
    // 409 BlobAlreadyExists or 412 ConditionNotMet: another sealer committed first. Other 409s stay errors.
    if ((status === 409 || status === 412) && (await target.exists())) return 'exists';
    throw error;
  }
}

/**
 * Block ids must have equal length within a blob; index first keeps them unique even if a segment were
 * listed twice, and the name hash makes a different segment list produce different ids.
 */
function blockIdOf(index: number, segmentName: string): string {
  const nameHash = createHash('sha256').update(segmentName).digest('hex').slice(0, 32);
  return Buffer.from(`${String(index).padStart(6, '0')}-${nameHash}`).toString('base64');
}

/**
 * One GET into one buffer of the announced size: a single segment in memory, never two copies. A body
 * that ends early or runs long is a broken transfer, so it is transient like any other network failure.
 */
async function downloadWhole(source: BlockBlobClient): Promise<Buffer> {
  const response = await source.download();
  const stream = response.readableStreamBody;
  if (!stream) throw new TransientStoreError(`Azure Storage: the download of ${source.name} had no body`);
  const size = response.contentLength ?? 0;
  const body = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    if (filled + bytes.length > size)
      throw new TransientStoreError(`${source.name} is longer than its Content-Length ${size}`);
    bytes.copy(body, filled);
    filled += bytes.length;
  }
  if (filled !== size) throw new TransientStoreError(`${source.name} ended after ${filled} of ${size} bytes`);
  return body;
}
