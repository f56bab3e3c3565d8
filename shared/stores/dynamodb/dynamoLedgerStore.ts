import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { ConfigError, withTransientErrors } from '../../errors.js';
import type { PartitionLedger } from '../../ledger.js';
import { EMPTY_LEDGER } from '../../ledger.js';
import { decodeLedger, encodeLedger, unreadableLedger } from '../../ledgerCodec.js';
import { onceUntilSuccess } from '../../onceUntilSuccess.js';
import type { LedgerStore, LegacyLedger, VersionedLedger } from '../../store.js';
import { codeOf } from '../s3/s3Errors.js';
import { createLedgerTable } from './dynamoClient.js';
import { DYNAMODB_TRANSIENT_ERRORS, isConditionFailed } from './dynamoErrors.js';
import { LEDGER_TABLE_KEY } from './ledgerTableKey.js';

export interface DynamoLedgerOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly legacy?: LegacyLedger | undefined;
  /** Create the table on first use: local runs and tests only, as `createBucketIfMissing` for S3. */
  readonly createTableIfMissing?: boolean;
}

/** Marks a version read from the legacy ledger: writing against it creates the table's item. */
const LEGACY_VERSION_PREFIX = 'legacy:';

/**
 * `LedgerStore` on a DynamoDB table: an item per (topic, partition) holding the ledger, gzipped, and a
 * version; a write is a PutItem conditioned on that version (or on no item), so of concurrent writers
 * expecting the same version exactly one wins, as with S3's If-Match. A conditional write costs a
 * write request unit per started KB of item, and a ledger of a busy minute (a few KB of JSON) gzips
 * into one or two, where an S3 conditional PUT costs as much as eight (see BENCHMARKS.md, the prices).
 *
 * @example
 * const ledger = createDynamoLedgerStore({ client: dynamoClientFor(), table: 'capture-orders-ledger' });
 */
export function createDynamoLedgerStore(options: DynamoLedgerOptions): LedgerStore {
  const { client, table, legacy } = options;
  const ensureTable = onceUntilSuccess(() => createLedgerTable(client, table));
  const run = <T>(operation: string, call: () => Promise<T>) =>
    withTransientErrors(DYNAMODB_TRANSIENT_ERRORS, `${operation} in table ${table}`, async () => {
      try {
        if (options.createTableIfMissing) await ensureTable();
        return await call();
      } catch (error) {
        throw explained(error, table, operation);
      }
    });
  const where = (topic: string, partition: string) => `table ${table}, item (${topic}, ${partition})`;

  /**
   * A PutItem conditioned on `expectedVersion` (null: on no item): the version written, or null when
   * another writer came first. An answer lost after the write took effect makes the SDK try again and
   * fail the condition on its own item, which the item it returns shows: that is a success.
   */
  const put = async (
    topic: string,
    partition: string,
    state: PartitionLedger,
    expectedVersion: string | null,
  ): Promise<string | null> => {
    const version = randomUUID();
    const condition =
      expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(#version)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeValues: { ':expected': { S: expectedVersion } },
          };
    try {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: ledgerItem(topic, partition, state, version),
          ExpressionAttributeNames: { '#version': 'version' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...condition,
        }),
      );
      return version;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return (error as { Item?: Record<string, AttributeValue> }).Item?.version?.S === version
        ? version
        : null;
    }
  };

  /**
   * The first write of a partition whose ledger is in the bucket: the bucket's object is marked as
   * moving with the state it holds (only if still at the version read, so of this and an older
   * function's write one wins), the item is created with that state, the object is marked moved for
   * good, and only then is the new state written over the item, as any write. Every step can be
   * repeated after a crash, and a reader only ever sees committed states.
   */
  const moveThenWrite = async (
    bucket: LegacyLedger,
    topic: string,
    partition: string,
    bucketVersion: string,
    state: PartitionLedger,
  ): Promise<string | null> => {
    const moved = await bucket.freeze(topic, partition, bucketVersion);
    if (moved === null) return null;
    const created = await put(topic, partition, moved, null);
    if (created === null) return null;
    await bucket.retire(topic, partition);
    return put(topic, partition, state, created);
  };

  return {
    read(topic, partition) {
      return run(`read ledger (${topic}, ${partition})`, async (): Promise<VersionedLedger> => {
        const { Item } = await client.send(
          new GetItemCommand({ TableName: table, Key: keyOf(topic, partition), ConsistentRead: true }),
        );
        if (Item !== undefined) return decodeItem(Item, where(topic, partition));
        if (legacy === undefined) return { state: EMPTY_LEDGER, version: null };
        const old = await legacy.read(topic, partition);
        return old.version === null
          ? old
          : { state: old.state, version: LEGACY_VERSION_PREFIX + old.version };
      });
    },

    write(topic, partition, state, expectedVersion) {
      return run(`write ledger (${topic}, ${partition})`, async () => {
        if (legacy !== undefined && expectedVersion?.startsWith(LEGACY_VERSION_PREFIX)) {
          const bucketVersion = expectedVersion.slice(LEGACY_VERSION_PREFIX.length);
          return moveThenWrite(legacy, topic, partition, bucketVersion, state);
        }
        // A partition's first item: fenced first, so an older function cannot create one in the bucket.
        if (expectedVersion === null && legacy !== undefined && !(await legacy.fence(topic, partition)))
          return null;
        return put(topic, partition, state, expectedVersion);
      });
    },

    partitions(topic) {
      return run(`list the ledgers of topic ${topic}`, async () => {
        const partitions = new Set<string>();
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: '#topic = :topic',
              ExpressionAttributeNames: {
                '#topic': LEDGER_TABLE_KEY.partitionKey,
                '#partition': LEDGER_TABLE_KEY.sortKey,
              },
              ExpressionAttributeValues: { ':topic': { S: topic } },
              ProjectionExpression: '#partition',
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const item of page.Items ?? []) {
            const partition = item[LEDGER_TABLE_KEY.sortKey]?.S;
            if (partition !== undefined) partitions.add(partition);
          }
          start = page.LastEvaluatedKey;
        } while (start !== undefined);
        // Partitions not yet moved over, idle since the table came, still need their seal.
        for (const partition of (await legacy?.partitions(topic)) ?? []) partitions.add(partition);
        return [...partitions].sort();
      });
    },
  };
}

const keyOf = (topic: string, partition: string): Record<string, AttributeValue> => ({
  [LEDGER_TABLE_KEY.partitionKey]: { S: topic },
  [LEDGER_TABLE_KEY.sortKey]: { S: partition },
});

function ledgerItem(
  topic: string,
  partition: string,
  state: PartitionLedger,
  version: string,
): Record<string, AttributeValue> {
  return {
    ...keyOf(topic, partition),
    ledger: { B: gzipSync(encodeLedger(state)) },
    version: { S: version },
  };
}

/**
 * The size DynamoDB bills a ledger's item by: its attribute names and values (strings as UTF-8,
 * binaries as bytes). A write costs a request unit per started KB, a strongly consistent read one per
 * started 4 KB.
 */
export function ledgerItemBytes(topic: string, partition: string, state: PartitionLedger): number {
  const item = ledgerItem(topic, partition, state, VERSION_SHAPE);
  return Object.entries(item).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      (value.S === undefined ? (value.B?.length ?? 0) : Buffer.byteLength(value.S)),
    0,
  );
}

/** A version as `randomUUID` writes it, for sizing an item. */
const VERSION_SHAPE = '00000000-0000-4000-8000-000000000000';

function decodeItem(item: Record<string, AttributeValue>, where: string): VersionedLedger {
  const bytes = item.ledger?.B;
  const version = item.version?.S;
  if (bytes === undefined || version === undefined) {
    throw unreadableLedger(where, 'the item lacks its binary ledger or its version');
  }
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw unreadableLedger(where, 'its ledger is not gzip', error);
  }
  return { state: decodeLedger(text, where), version };
}

/**
 * A missing table, a missing permission or an item DynamoDB refuses will not pass by retrying: say
 * which and what to check.
 */
function explained(error: unknown, table: string, operation: string): unknown {
  const code = codeOf(error);
  if (code === 'ResourceNotFoundException') {
    return new ConfigError(
      `${operation}: the ledger table ${table} does not exist in this account and region: check the name (the stack output LedgerTableName, CAPTURE_LEDGER_TABLE) and AWS_REGION, or deploy the topic's stack (infra/aws), which creates it`,
      { cause: error },
    );
  }
  if (code === 'AccessDeniedException') {
    return new ConfigError(
      `${operation}: access to the ledger table ${table} was denied: the topic's stack (infra/aws) grants each function what it does with the table (see infra/aws/README.md, Permissions); a reader such as the console needs dynamodb:GetItem and Query`,
      { cause: error },
    );
  }
  if (code === 'ValidationException') {
    return new ConfigError(
      `${operation}: DynamoDB refused the request to the ledger table ${table} (${(error as Error).message}); an item over 400 KB means the partition's ledger grew past what the table holds`,
      { cause: error },
    );
  }
  return error;
}
