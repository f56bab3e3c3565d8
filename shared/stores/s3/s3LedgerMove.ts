import { PutObjectCommand } from '@aws-sdk/client-s3';
import { TransientStoreError } from '../../errors.js';
import { EMPTY_LEDGER, type PartitionLedger } from '../../ledger.js';
import { decodeLedger, encodeLedger } from '../../ledgerCodec.js';
import type { VersionedLedger } from '../../store.js';
import type { LegacyLedger } from '../dynamodb/dynamoLedgerStore.js';
import type { S3Bucket } from './s3Bucket.js';
import { downloadWhole } from './s3Download.js';
import { isConditionLost, isNoSuchKey } from './s3Errors.js';
import { createS3LedgerStore, s3LedgerKey } from './s3LedgerStore.js';

/**
 * What a bucket's ledger object becomes when its partition's ledger moves to the table: the state it
 * moved with, under this one key. The stored-ledger codec refuses any other key, so a function of the
 * version before the table that still reads the object stops the batch (which comes again, to the
 * new version) instead of going on with a ledger the table no longer follows.
 */
const MOVED = 'movedToLedgerTable';

/**
 * The bucket's `_ledger/` as a ledger table takes it over (see `createDynamoLedgerStore`): read, as a
 * ledger or as the state it moved with; frozen on the move with a conditional PUT on the version read,
 * so of a move and an older function's write exactly one succeeds; listed, for partitions that have
 * had no batch since the table came.
 */
export function bucketLedgerToMove(bucket: S3Bucket): LegacyLedger {
  const listing = createS3LedgerStore(bucket);
  return {
    read(topic, partition) {
      const key = s3LedgerKey(topic, partition);
      return bucket.run(`read ledger ${key}`, async (): Promise<VersionedLedger> => {
        try {
          const { bytes, etag } = await downloadWhole(bucket, key);
          if (etag === undefined) throw new TransientStoreError(`ledger ${key} came back without an ETag`);
          return { state: movedOrLedger(bytes.toString('utf8'), key), version: etag };
        } catch (error) {
          if (isNoSuchKey(error)) return { state: EMPTY_LEDGER, version: null };
          throw error;
        }
      });
    },

    freeze(topic, partition, version, state) {
      const key = s3LedgerKey(topic, partition);
      return bucket.run(`mark ledger ${key} moved to the ledger table`, async () => {
        try {
          await bucket.client.send(
            new PutObjectCommand({
              Bucket: bucket.name,
              Key: key,
              Body: `{"${MOVED}":${encodeLedger(state)}}`,
              ContentType: 'application/json',
              IfMatch: version,
            }),
          );
          return true;
        } catch (error) {
          // Written or moved by someone else since it was read: the caller re-reads.
          if (isConditionLost(error) || isNoSuchKey(error)) return false;
          throw error;
        }
      });
    },

    partitions: (topic) => listing.partitions(topic),
  };
}

function movedOrLedger(text: string, key: string): PartitionLedger {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return decodeLedger(text, key);
  }
  const moved = (value as Record<string, unknown> | null)?.[MOVED];
  return decodeLedger(moved === undefined ? text : JSON.stringify(moved), key);
}
