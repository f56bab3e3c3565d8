import { PutObjectCommand } from '@aws-sdk/client-s3';
import { TransientStoreError } from '../../errors.js';
import { EMPTY_LEDGER } from '../../ledger.js';
import { decodeLedger, encodeLedger } from '../../ledgerCodec.js';
import type { LedgerStore, VersionedLedger } from '../../store.js';
import { listObjects, type S3Bucket } from './s3Bucket.js';
import { downloadWhole } from './s3Download.js';
import { isConditionLost, isNoSuchKey } from './s3Errors.js';

/** Outside `raw/`, `deadletter/` and `_staging/`; the underscore hides it from Spark and Auto Loader. */
const LEDGER_PREFIX = '_ledger';
const LEDGER_SUFFIX = '.json';
/** Where a partition's ledger object is. */
export const s3LedgerKey = (topic: string, partition: string) =>
  `${LEDGER_PREFIX}/${topic}/${partition}${LEDGER_SUFFIX}`;

/**
 * `LedgerStore` on S3 conditional writes, so an AWS deployment needs no table service: one JSON object
 * per (topic, partition) at `_ledger/<topic>/<partition>.json`, its ETag the version. A create is a
 * PutObject with `If-None-Match: *`, a replace one with `If-Match: <ETag>`, so of concurrent writers
 * expecting the same version exactly one wins.
 *
 * @example
 * const ledger = createS3LedgerStore(s3Bucket(s3ClientFor(), 'lake', false));
 */
export function createS3LedgerStore(bucket: S3Bucket): LedgerStore {
  return {
    read(topic, partition) {
      const key = s3LedgerKey(topic, partition);
      return bucket.run(`read ledger ${key}`, async (): Promise<VersionedLedger> => {
        try {
          const { bytes, etag } = await downloadWhole(bucket, key);
          if (etag === undefined) throw new TransientStoreError(`ledger ${key} came back without an ETag`);
          return { state: decodeLedger(bytes.toString('utf8'), key), version: etag };
        } catch (error) {
          if (isNoSuchKey(error)) return { state: EMPTY_LEDGER, version: null };
          throw error;
        }
      });
    },

    write(topic, partition, state, expectedVersion) {
      const key = s3LedgerKey(topic, partition);
      return bucket.run(`write ledger ${key}`, async () => {
        const condition = expectedVersion === null ? { IfNoneMatch: '*' } : { IfMatch: expectedVersion };
        try {
          const { ETag } = await bucket.client.send(
            new PutObjectCommand({
              Bucket: bucket.name,
              Key: key,
              Body: encodeLedger(state),
              ContentType: 'application/json',
              ...condition,
            }),
          );
          if (ETag === undefined) throw new TransientStoreError(`ledger ${key} was written without an ETag`);
          return ETag;
        } catch (error) {
          // 412/409: another writer came first. 404: `If-Match` on a ledger that vanished since we read it.
          // A retried write whose first try succeeded also lands here; the caller re-reads and finds it.
          if (isConditionLost(error) || (expectedVersion !== null && isNoSuchKey(error))) return null;
          throw error;
        }
      });
    },

    partitions(topic) {
      const prefix = `${LEDGER_PREFIX}/${topic}/`;
      return bucket.run(`list ledgers under ${prefix}`, async () => {
        const partitions: string[] = [];
        for await (const { key } of listObjects(bucket, prefix)) {
          const partition = key.slice(prefix.length);
          // Only direct children: a topic named like "<topic>/x" cannot exist, but a stray key could.
          if (partition.endsWith(LEDGER_SUFFIX) && !partition.includes('/'))
            partitions.push(partition.slice(0, -LEDGER_SUFFIX.length));
        }
        return partitions.sort();
      });
    },
  };
}
