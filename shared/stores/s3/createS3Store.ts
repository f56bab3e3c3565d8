import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { CaptureStore } from '../../store.js';
import { createDynamoLedgerStore } from '../dynamodb/dynamoLedgerStore.js';
import { s3Bucket } from './s3Bucket.js';
import { bucketLedgerToMove } from './s3LedgerMove.js';
import { createS3LedgerStore } from './s3LedgerStore.js';
import { createS3ObjectStore } from './s3ObjectStore.js';

export interface S3StoreOptions {
  /** The lake's bucket; without `ledgerTable`, the ledger lives in it too, under `_ledger/`. */
  readonly bucket: string;
  /** Built by `s3ClientFor`, or any client a test wants to instrument. */
  readonly client: S3Client;
  /**
   * Create the bucket on first use. For local runs and tests only: on AWS the stack creates the bucket
   * and the function has no permission to create one.
   */
  readonly createBucketIfMissing?: boolean;
  /**
   * The DynamoDB table that keeps the ledger, as the stack deploys it. A partition it does not hold
   * yet is read from the bucket's `_ledger/` (a lake captured before the table existed) and moved
   * over by its next write. Local runs and tests create the table with the bucket.
   */
  readonly ledgerTable?: { readonly name: string; readonly client: DynamoDBClient };
}

/**
 * The S3 store of one topic: the lake in one bucket, and its ledger in a DynamoDB table (a conditional
 * write there costs an eighth of S3's) or, without one, in the bucket under S3's conditional writes.
 * No request is made here.
 *
 * @example
 * const store = createS3Store({ bucket: 'lake', client: s3ClientFor() });
 */
export function createS3Store(options: S3StoreOptions): CaptureStore {
  const createIfMissing = options.createBucketIfMissing ?? false;
  const bucket = s3Bucket(options.client, options.bucket, createIfMissing);
  const table = options.ledgerTable;
  const ledger =
    table === undefined
      ? createS3LedgerStore(bucket)
      : createDynamoLedgerStore({
          client: table.client,
          table: table.name,
          createTableIfMissing: createIfMissing,
          legacy: bucketLedgerToMove(bucket),
        });
  return { objects: createS3ObjectStore(bucket), ledger };
}

/** The region an emulator answers for when none is given: it ignores it, but the SDK signs with one. */
const EMULATOR_REGION = 'us-east-1';
/** Emulators accept any key; these are never valid on AWS, so a client cannot reach a real account by mistake. */
const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * A few quick SDK retries absorb a blip; anything longer is better retried by the platform, which
 * redelivers the batch with its own backoff instead of holding a function instance. The timeouts turn
 * a silent connection into a transient error long before the function's own timeout.
 */
const COMMON_OPTIONS: S3ClientConfig = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
};

export interface S3ClientOptions {
  /** An S3-compatible emulator (`http://127.0.0.1:40123`); absent on AWS, where the SDK finds the endpoint. */
  readonly endpoint?: string;
  /** Absent on AWS: the SDK reads `AWS_REGION`, which Lambda sets. */
  readonly region?: string;
}

/**
 * The S3 client for a store. On AWS it is the SDK's default chain (region and credentials from the
 * Lambda environment). For an emulator endpoint it uses path-style addressing (no bucket DNS names on
 * 127.0.0.1), fixed test credentials, and checksums only where S3 requires them: SDK v3 adds CRC32
 * checksums to every upload by default, which emulators may reject.
 *
 * @example
 * const client = s3ClientFor({ endpoint: 'http://127.0.0.1:40123' });
 * const store = createS3Store({ bucket: 'lake', client, createBucketIfMissing: true });
 */
export function s3ClientFor(options: S3ClientOptions = {}): S3Client {
  if (options.endpoint === undefined) {
    return new S3Client({ ...COMMON_OPTIONS, ...(options.region ? { region: options.region } : {}) });
  }
  return new S3Client({
    ...COMMON_OPTIONS,
    endpoint: options.endpoint,
    region: options.region ?? EMULATOR_REGION,
    forcePathStyle: true,
    credentials: EMULATOR_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
