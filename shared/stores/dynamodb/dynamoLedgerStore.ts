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
import type { LedgerStore, VersionedLedger } from '../../store.js';
import { codeOf } from '../s3/s3Errors.js';
import { createLedgerTable } from './dynamoClient.js';
import { DYNAMODB_TRANSIENT_ERRORS, isConditionFailed } from './dynamoErrors.js';
import { LEDGER_TABLE_KEY } from './ledgerTableKey.js';

/**
 * Where ledgers lived before the table (the bucket's `_ledger/`): read when the table has no item for
 * a partition. The first write moves it: `freeze` marks the old ledger moved, conditioned on the
 * version read, with the state being written, so an older function can no longer write it; then the
 * table's item is created. A crash between the two leaves the state in the frozen object, read again
 * by the next writer.
 */
export interface LegacyLedger {
  read(topic: string, partition: string): Promise<VersionedLedger>;
  /** False when the old ledger is no longer at `version`: another writer came first. */
  freeze(topic: string, partition: string, version: string, state: PartitionLedger): Promise<boolean>;
  partitions(topic: string): Promise<string[]>;
}

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
        throw explained(error, table);
      }
    });
  const where = (topic: string, partition: string) => `table ${table}, item (${topic}, ${partition})`;

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
        const fromLegacy = expectedVersion?.startsWith(LEGACY_VERSION_PREFIX) ?? false;
        if (fromLegacy && expectedVersion !== null && legacy !== undefined) {
          const legacyVersion = expectedVersion.slice(LEGACY_VERSION_PREFIX.length);
          if (!(await legacy.freeze(topic, partition, legacyVersion, state))) return null;
        }
        const version = randomUUID();
        const condition =
          expectedVersion === null || fromLegacy
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
              ...condition,
            }),
          );
        } catch (error) {
          // Another writer came first. A retried write whose first try succeeded lands here too; the
          // caller re-reads and finds it.
          if (isConditionFailed(error)) return null;
          throw error;
        }
        return version;
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

/** A missing table or a missing permission will not pass by retrying: say what to deploy or grant. */
function explained(error: unknown, table: string): unknown {
  const code = codeOf(error);
  if (code === 'ResourceNotFoundException') {
    return new ConfigError(
      `the ledger table ${table} does not exist: deploy the topic's stack (infra/aws), which creates it and names it in CAPTURE_LEDGER_TABLE`,
      { cause: error },
    );
  }
  if (code === 'AccessDeniedException') {
    return new ConfigError(
      `access to the ledger table ${table} was denied: the functions need dynamodb:GetItem, PutItem and Query on it, which the topic's stack (infra/aws) grants`,
      { cause: error },
    );
  }
  return error;
}
