import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CaptureError, TransientStoreError } from '../../../../../shared/errors.js';
import type { CaptureStore } from '../../../../../shared/store.js';
import { SINGLE_WRITE_MAX_BYTES } from '../../../../../shared/store.js';
import { createS3Store, s3ClientFor } from '../../../../../shared/stores/s3/createS3Store.js';
import { MIN_PART_BYTES } from '../../../../../shared/stores/s3/s3Publish.js';
import { describeStoreContract, ledgerWith } from '../../../../helpers/storeContract.js';

const endpoint = inject('s3Endpoint');
const MIB = 1024 * 1024;
const uniqueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
/** This file's own bucket on the shared moto server. */
const fileBucket = uniqueName('s3-store-test');
const client = s3ClientFor({ endpoint });

describeStoreContract('s3', async () =>
  createS3Store({ bucket: fileBucket, client, createBucketIfMissing: true }),
);

/** A client that records the name of every command it sends, to see which S3 calls a publish made. */
function recordingClient(): { client: S3Client; commands: string[] } {
  const recording = s3ClientFor({ endpoint });
  const commands: string[] = [];
  recording.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
  return { client: recording, commands };
}

const count = (commands: readonly string[], name: string) =>
  commands.filter((command) => command === name).length;

async function newBucket(): Promise<string> {
  const bucket = uniqueName('s3-raw');
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Starts a multipart upload of `key` with one small part, ready to complete. */
async function preparedUpload(bucket: string, key: string, body: Buffer) {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const { ETag } = await client.send(
    new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: body }),
  );
  return { Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } };
}

describe('Server: moto as the S3 emulator', () => {
  it('rejects PutObject with If-None-Match: * with 412 when the key exists', async () => {
    // Prepare
    const bucket = await newBucket();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'first' }));

    // Act
    const putting = client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'second', IfNoneMatch: '*' }),
    );

    // Assess
    await expect(putting).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
  });

  it('rejects PutObject with If-Match with 412 when the ETag is no longer current', async () => {
    // Prepare
    const bucket = await newBucket();
    const first = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'first' }));
    const second = await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'second', IfMatch: first.ETag }),
    );

    // Act
    const putting = client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'third', IfMatch: first.ETag }),
    );

    // Assess
    await expect(putting).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    expect(first.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(second.ETag).not.toBe(first.ETag);
  });

  it('rejects CompleteMultipartUpload with If-None-Match: * with 412 when the key exists', async () => {
    // Prepare
    const bucket = await newBucket();
    const upload = await preparedUpload(bucket, 'k', Buffer.from('from the upload'));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'already there' }));

    // Act
    const completing = client.send(new CompleteMultipartUploadCommand({ ...upload, IfNoneMatch: '*' }));

    // Assess
    await expect(completing).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });

  it('lets exactly one of several concurrent conditional completions of one key succeed', async () => {
    // Prepare: parts this large keep moto busy between its check and its write; unserialized, all succeed
    const bucket = await newBucket();
    const uploads = await Promise.all(
      [1, 2, 3].map((index) => preparedUpload(bucket, 'k', Buffer.alloc(8 * MIB, index))),
    );

    // Act
    const outcomes = await Promise.allSettled(
      uploads.map((upload) =>
        client.send(new CompleteMultipartUploadCommand({ ...upload, IfNoneMatch: '*' })),
      ),
    );

    // Assess
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((outcome) => outcome.status === 'rejected'))
      expect(outcome.reason).toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });
});

describe('Store: s3 specifics', () => {
  const stagedPath = (topic: string, name: string) => `_staging/${topic}/0/data/29000000/${name}.jsonl.gz`;
  const visiblePath = (topic: string, name: string) => `raw/${topic}/2025/03/01/12/00/${name}.jsonl.gz`;
  const newStore = (storeClient: S3Client = client) =>
    createS3Store({ bucket: fileBucket, client: storeClient, createBucketIfMissing: true });

  async function stageEach(store: CaptureStore, topic: string, bodies: readonly Buffer[]): Promise<string[]> {
    const paths: string[] = [];
    for (const body of bodies) {
      const path = stagedPath(topic, uniqueName('segment'));
      await store.objects.stage(path, body);
      paths.push(path);
    }
    return paths;
  }

  it('publishes a large object in parts, copying a big staged object and concatenating small ones', async () => {
    // Prepare: 3+3 MiB -> one part, 6 MiB alone -> copied, 1+4.5 MiB -> one part, 1 MiB -> last part
    const { client: recording, commands } = recordingClient();
    const store = newStore(recording);
    const topic = uniqueName('topic');
    const bodies = [3, 3, 6, 1, 4.5, 1].map((mib) => randomBytes(mib * MIB));
    const staged = await stageEach(store, topic, bodies);
    const target = visiblePath(topic, 'large');
    commands.length = 0;

    // Act
    const outcome = await store.objects.publish(target, staged);

    // Assess
    expect(outcome).toBe('created');
    expect(Buffer.concat(bodies).length).toBeGreaterThanOrEqual(SINGLE_WRITE_MAX_BYTES);
    expect(count(commands, 'UploadPartCopyCommand')).toBe(1);
    expect(count(commands, 'UploadPartCommand')).toBe(3);
    expect(count(commands, 'PutObjectCommand')).toBe(0);
    expect((await store.objects.read(target)).equals(Buffer.concat(bodies))).toBe(true);
    const head = await client.send(new HeadObjectCommand({ Bucket: fileBucket, Key: target }));
    expect(head.ContentType).toBe('application/x-ndjson');
    expect(head.ContentEncoding).toBeUndefined();
  });

  it('deletes staged segments with one DELETE each, which S3 does not bill, never a DeleteObjects POST', async () => {
    // Prepare: more segments than one round of parallel deletes
    const { client: recording, commands } = recordingClient();
    const store = newStore(recording);
    const topic = uniqueName('topic');
    const staged = await stageEach(
      store,
      topic,
      Array.from({ length: 20 }, () => randomBytes(100)),
    );
    commands.length = 0;

    // Act
    await store.objects.deleteStaged([...staged, stagedPath(topic, 'never-staged')]);

    // Assess
    expect(count(commands, 'DeleteObjectCommand')).toBe(21);
    expect(count(commands, 'DeleteObjectsCommand')).toBe(0);
    expect(await store.objects.list(`_staging/${topic}/`)).toEqual([]);
  });

  it('publishes a small object with a single conditional PutObject as application/x-ndjson', async () => {
    // Prepare
    const { client: recording, commands } = recordingClient();
    const store = newStore(recording);
    const topic = uniqueName('topic');
    const bodies = [randomBytes(MIN_PART_BYTES), randomBytes(1000)];
    const staged = await stageEach(store, topic, bodies);
    const target = visiblePath(topic, 'small');
    commands.length = 0;

    // Act
    const outcome = await store.objects.publish(target, staged);

    // Assess
    expect(outcome).toBe('created');
    expect(count(commands, 'PutObjectCommand')).toBe(1);
    expect(count(commands, 'CreateMultipartUploadCommand')).toBe(0);
    expect((await store.objects.read(target)).equals(Buffer.concat(bodies))).toBe(true);
    const head = await client.send(new HeadObjectCommand({ Bucket: fileBucket, Key: target }));
    expect(head.ContentType).toBe('application/x-ndjson');
  });

  it('creates a large object once when two sealers publish it concurrently, and leaves no upload behind', async () => {
    // Prepare
    const { client: recording, commands } = recordingClient();
    const store = newStore(recording);
    const topic = uniqueName('topic');
    const bodies = [randomBytes(9 * MIB), randomBytes(9 * MIB)];
    const staged = await stageEach(store, topic, bodies);
    const target = visiblePath(topic, 'raced');
    commands.length = 0;

    // Act
    const outcomes = await Promise.all([
      store.objects.publish(target, staged),
      store.objects.publish(target, staged),
    ]);

    // Assess: both got as far as completing; the loser's 412 became 'exists' and its upload was aborted
    expect([...outcomes].sort()).toEqual(['created', 'exists']);
    expect(count(commands, 'CompleteMultipartUploadCommand')).toBe(2);
    expect(count(commands, 'AbortMultipartUploadCommand')).toBe(1);
    expect((await store.objects.read(target)).equals(Buffer.concat(bodies))).toBe(true);
    const { Uploads = [] } = await client.send(new ListMultipartUploadsCommand({ Bucket: fileBucket }));
    expect(Uploads.filter((upload) => upload.Key === target)).toEqual([]);
  });

  it.each([
    ['small', 1000],
    ['large', 9 * MIB],
  ])(
    'names the lost segment in a permanent error when a %s object cannot be assembled',
    async (_case, size) => {
      // Prepare
      const store = newStore();
      const topic = uniqueName('topic');
      const staged = await stageEach(store, topic, [randomBytes(size), randomBytes(size)]);
      await store.objects.deleteStaged([staged[1] as string]);
      const target = visiblePath(topic, 'lost');

      // Act
      const publishing = store.objects.publish(target, staged);

      // Assess
      await expect(publishing).rejects.toThrow(
        `cannot publish ${target}: staged segment ${staged[1]} is missing and the object does not exist`,
      );
      await expect(publishing).rejects.toSatisfy(
        (error) => error instanceof CaptureError && !error.retriable,
      );
      expect(await store.objects.list(`raw/${topic}/`)).toEqual([]);
    },
  );

  it('lets exactly one writer win in every round of concurrent ledger writes expecting the same version', async () => {
    // Prepare
    const store = newStore();
    const topic = uniqueName('topic');
    await store.ledger.write(topic, '0', ledgerWith(1), null);
    const winners: number[] = [];

    for (let round = 0; round < 10; round += 1) {
      const { version } = await store.ledger.read(topic, '0');
      const candidates = [2, 3, 4, 5, 6, 7].map((open) => ledgerWith(open + round * 10));

      // Act
      const results = await Promise.all(
        candidates.map((state) => store.ledger.write(topic, '0', state, version)),
      );

      // Assess
      winners.push(results.filter((result) => result !== null).length);
      expect((await store.ledger.read(topic, '0')).state).toEqual(
        candidates[results.findIndex((result) => result !== null)],
      );
    }
    expect(winners).toEqual(Array(10).fill(1));
  });

  it('keeps the ledger under _ledger/, out of the lake prefixes', async () => {
    // Prepare
    const store = newStore();
    const topic = uniqueName('topic');

    // Act
    await store.ledger.write(topic, '3', ledgerWith(1), null);

    // Assess
    expect(await store.objects.list(`_ledger/${topic}/`)).toEqual([`_ledger/${topic}/3.json`]);
    expect(await store.objects.list('raw/')).not.toContain(`_ledger/${topic}/3.json`);
  });

  it.each([
    ['not JSON', '{"stagedThrough": 4,', 'it is not JSON'],
    [
      'JSON of another shape',
      '{"stagedThrough": "4", "open": [], "pending": []}',
      'stagedThrough: Invalid input: expected number',
    ],
    [
      'missing its segments',
      '{"stagedThrough": 4, "maxRecordTime": null, "closedThrough": null}',
      'open: Invalid input: expected array',
    ],
  ])('refuses a ledger that is %s with a permanent error naming its key', async (_case, content, reason) => {
    // Prepare
    const store = newStore();
    const topic = uniqueName('topic');
    await store.ledger.read(topic, '0'); // the store creates the bucket on first use
    await client.send(
      new PutObjectCommand({ Bucket: fileBucket, Key: `_ledger/${topic}/0.json`, Body: content }),
    );

    // Act
    const reading = store.ledger.read(topic, '0');

    // Assess
    await expect(reading).rejects.toThrow(`ledger _ledger/${topic}/0.json is unreadable: ${reason}`);
    await expect(reading).rejects.toThrow('npm run invoke -- repair-ledger');
    await expect(reading).rejects.toSatisfy((error) => error instanceof CaptureError && !error.retriable);
  });

  it('creates no bucket unless asked to, so a misnamed bucket on AWS fails instead of appearing', async () => {
    // Prepare
    const bucket = uniqueName('never-created');
    const store = createS3Store({ bucket, client });

    // Act
    const staging = store.objects.stage('_staging/t/0/data/1/a.jsonl', Buffer.from('{}\n'));

    // Assess
    await expect(staging).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(client.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });
});

describe('Store: s3 error mapping', () => {
  let server: Server;
  let status = 503;
  let requests = 0;
  const fakeEndpoint = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  beforeAll(async () => {
    // An S3 endpoint that answers every request with the status under test.
    server = createServer((request, response) => {
      requests += 1;
      request.resume();
      response.writeHead(status, { 'content-type': 'application/xml' });
      response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>Status${status}</Code></Error>`);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  /** No SDK retries, so each case costs one request. */
  const storeAt = (url: string) =>
    createS3Store({
      bucket: 'lake',
      client: new S3Client({
        endpoint: url,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      }),
    });

  it.each([
    [503, true],
    [500, true],
    [429, true],
    [408, true],
    [403, false],
    [400, false],
  ])('treats HTTP %i as transient: %s', async (answer, transient) => {
    // Prepare
    status = answer;
    const store = storeAt(fakeEndpoint());

    // Act
    const outcomes = await Promise.allSettled([
      store.objects.stage('_staging/t/0/data/1/a.jsonl', Buffer.from('{}\n')),
      store.objects.read('raw/t/a.jsonl'),
      store.ledger.read('t', '0'),
      store.ledger.write('t', '0', ledgerWith(1), null),
    ]);

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(reason instanceof TransientStoreError).toBe(transient);
      const original = transient ? reason.cause : reason;
      expect(original).toMatchObject({ $metadata: { httpStatusCode: answer } });
    }
  });

  it.each([
    [403, false],
    [503, true],
  ])('turns a delete refused with HTTP %i into an error a retry clears: %s', async (answer, transient) => {
    // Prepare
    status = answer;
    const store = storeAt(fakeEndpoint());

    // Act
    const deleting = store.objects.deleteStaged(['_staging/t/0/data/1/a.jsonl']);

    // Assess
    const reason = await deleting.catch((error: unknown) => error);
    expect(reason).toBeInstanceOf(CaptureError);
    expect((reason as CaptureError).retriable).toBe(transient);
    expect(reason instanceof TransientStoreError).toBe(transient);
    if (!transient) {
      expect((reason as Error).message).toMatch(
        /could not delete _staging\/t\/0\/data\/1\/a\.jsonl in bucket lake .*s3:DeleteObject/,
      );
    }
  });

  it('treats a refused connection as transient', async () => {
    // Prepare: a port that was just free, so nothing listens on it
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((done) => closed.close(done));

    // Act
    const outcomes = await Promise.allSettled([
      storeAt(url).objects.list('raw/'),
      storeAt(url).ledger.partitions('t'),
    ]);

    // Assess
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(TransientStoreError);
    }
  });

  it('lets the SDK retry a few times before reporting a transient failure when the client comes from s3ClientFor', async () => {
    // Prepare
    status = 503;
    requests = 0;
    const store = createS3Store({ bucket: 'lake', client: s3ClientFor({ endpoint: fakeEndpoint() }) });

    // Act
    const listing = store.objects.list('raw/');

    // Assess
    await expect(listing).rejects.toBeInstanceOf(TransientStoreError);
    expect(requests).toBe(3);
  });
});
