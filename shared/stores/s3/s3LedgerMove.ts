import { PutObjectCommand } from '@aws-sdk/client-s3';
import { TransientStoreError } from '../../errors.js';
import { EMPTY_LEDGER, type PartitionLedger } from '../../ledger.js';
import { decodeLedger, encodeLedger } from '../../ledgerCodec.js';
import type { LegacyLedger, VersionedLedger } from '../../store.js';
import type { S3Bucket } from './s3Bucket.js';
import { downloadWhole } from './s3Download.js';
import { isConditionLost, isNoSuchKey } from './s3Errors.js';
import { createS3LedgerStore, s3LedgerKey } from './s3LedgerStore.js';

/**
 * What a bucket's ledger object becomes when the table takes its partition: `{"movedToLedgerTable":
 * <state>}` while the move is under way (the state read, already committed), then
 * `{"movedToLedgerTable": null}` for good. The stored-ledger codec refuses any other key, so a
 * function of the version before the table that reads either stops its batch (which comes again, to
 * the new version) instead of going on with a ledger the table no longer follows; and while the
 * object is there, such a function cannot create a ledger beside the table's either.
 */
const MOVED = 'movedToLedgerTable';

/** A bucket object as the move reads it: a ledger, a move under way, or a partition moved for good. */
type BucketLedger =
  | { readonly kind: 'absent' }
  | { readonly kind: 'moved' }
  | { readonly kind: 'ledger'; readonly state: PartitionLedger; readonly etag: string };

/**
 * The bucket's `_ledger/` as a ledger table takes it over (see `createDynamoLedgerStore`): a ledger or
 * a move under way reads as that state with its ETag; nothing, or a partition moved for good, as an
 * empty ledger without a version (so a table item that goes missing later is a lost ledger, found as
 * any other).
 */
export function bucketLedgerToMove(bucket: S3Bucket): LegacyLedger {
  const listing = createS3LedgerStore(bucket);
  const readObject = (topic: string, partition: string) => {
    const key = s3LedgerKey(topic, partition);
    return bucket.run(`read ledger ${key}`, async (): Promise<BucketLedger> => {
      try {
        const { bytes, etag } = await downloadWhole(bucket, key);
        if (etag === undefined) throw new TransientStoreError(`ledger ${key} came back without an ETag`);
        const state = stateOf(bytes.toString('utf8'), key);
        return state === null ? { kind: 'moved' } : { kind: 'ledger', state, etag };
      } catch (error) {
        if (isNoSuchKey(error)) return { kind: 'absent' };
        throw error;
      }
    });
  };
  const put = (key: string, body: string, condition: { IfMatch: string } | { IfNoneMatch: '*' } | null) =>
    bucket.client.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        ...condition,
      }),
    );

  return {
    async read(topic, partition): Promise<VersionedLedger> {
      const found = await readObject(topic, partition);
      return found.kind === 'ledger'
        ? { state: found.state, version: found.etag }
        : { state: EMPTY_LEDGER, version: null };
    },

    async freeze(topic, partition, version) {
      const found = await readObject(topic, partition);
      if (found.kind !== 'ledger' || found.etag !== version) return null;
      const key = s3LedgerKey(topic, partition);
      return bucket.run(`mark ledger ${key} moving to the ledger table`, async () => {
        try {
          await put(key, `{"${MOVED}":${encodeLedger(found.state)}}`, { IfMatch: version });
          return found.state;
        } catch (error) {
          // Written or moved by someone else since it was read: the caller re-reads.
          if (isConditionLost(error) || isNoSuchKey(error)) return null;
          throw error;
        }
      });
    },

    async fence(topic, partition) {
      const key = s3LedgerKey(topic, partition);
      const created = await bucket.run(`mark ledger ${key} moved to the ledger table`, async () => {
        try {
          await put(key, `{"${MOVED}":null}`, { IfNoneMatch: '*' });
          return true;
        } catch (error) {
          if (isConditionLost(error)) return false;
          throw error;
        }
      });
      // Something is there: a partition moved for good fences as well; a ledger must be moved instead.
      return created || (await readObject(topic, partition)).kind === 'moved';
    },

    retire(topic, partition) {
      const key = s3LedgerKey(topic, partition);
      // Unconditional: once the table's item holds the state, no writer of the bucket's object remains
      // (an older function cannot read a marker, so it never holds its ETag).
      return bucket.run(`mark ledger ${key} moved to the ledger table`, async () => {
        await put(key, `{"${MOVED}":null}`, null);
      });
    },

    partitions: (topic) => listing.partitions(topic),
  };
}

/** A ledger object's state, the state of a move under way, or null for a partition moved for good. */
function stateOf(text: string, key: string): PartitionLedger | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: the codec's own message says so and what to do.
    return decodeLedger(text, key);
  }
  if (typeof value !== 'object' || value === null || !(MOVED in value)) return decodeLedger(text, key);
  const moved = (value as Record<string, unknown>)[MOVED];
  return moved === null ? null : decodeLedger(JSON.stringify(moved), key);
}
