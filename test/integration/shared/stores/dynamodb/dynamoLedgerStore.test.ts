import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createFaultPlan,
  type FaultKind,
  type FaultPlan,
  startFaultProxy,
} from '../../../../../local/faults/faultProxy.js';
import { ConfigError, LedgerUnreadableError, TransientStoreError } from '../../../../../shared/errors.js';
import { EMPTY_LEDGER } from '../../../../../shared/ledger.js';
import { encodeLedger } from '../../../../../shared/ledgerCodec.js';
import { createLedgerTable, dynamoClientFor } from '../../../../../shared/stores/dynamodb/dynamoClient.js';
import {
  createDynamoLedgerStore,
  ledgerItemBytes,
} from '../../../../../shared/stores/dynamodb/dynamoLedgerStore.js';
import { createS3Store, s3ClientFor } from '../../../../../shared/stores/s3/createS3Store.js';
import { s3Bucket } from '../../../../../shared/stores/s3/s3Bucket.js';
import { bucketLedgerToMove } from '../../../../../shared/stores/s3/s3LedgerMove.js';
import { createS3LedgerStore } from '../../../../../shared/stores/s3/s3LedgerStore.js';
import { describeStoreContract, ledgerWith } from '../../../../helpers/storeContract.js';

const s3 = s3ClientFor({ endpoint: inject('s3Endpoint') });
const tables = dynamoClientFor({ endpoint: inject('dynamodbEndpoint') });
const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

/** A lake in its own bucket with its ledger in its own table, as the AWS stack deploys it. */
function freshLake() {
  const bucket = unique('lake');
  const table = unique('ledger');
  return {
    bucket,
    table,
    store: createS3Store({
      bucket,
      client: s3,
      createBucketIfMissing: true,
      ledgerTable: { name: table, client: tables },
    }),
  };
}

describeStoreContract('s3 with its ledger in DynamoDB', async () => freshLake().store);

describe('Store: the DynamoDB ledger table', () => {
  it('keeps the ledger gzipped beside its version, in an item keyed by topic and partition', async () => {
    // Prepare
    const { table, store } = freshLake();
    const state = ledgerWith(7);

    // Act
    const version = await store.ledger.write('orders', '3', state, null);

    // Assess
    const { Item } = await tables.send(
      new GetItemCommand({ TableName: table, Key: { topic: { S: 'orders' }, partition: { S: '3' } } }),
    );
    expect(Item?.version?.S).toBe(version);
    expect(gunzipSync(Item?.ledger?.B as Uint8Array).toString('utf8')).toBe(encodeLedger(state));
  });

  it('gzips a busy minute’s ledger into an item of at most two write units, under half its JSON', () => {
    // Act: seven segments open and one pending object, what a 1 TB topic's partition holds in a minute
    const bytes = ledgerItemBytes('orders', '3', ledgerWith(7));
    const plain = Buffer.byteLength(encodeLedger(ledgerWith(7)));

    // Assess
    expect(bytes).toBeGreaterThan(100);
    expect(bytes).toBeLessThan(plain / 2);
    expect(Math.ceil(bytes / 1024)).toBeLessThanOrEqual(2);
  });

  it('moves a ledger the bucket holds into the table on its next write, leaving a marker an older function refuses', async () => {
    // Prepare: a lake captured before the table existed, and a function of that version still running
    const { bucket, store } = freshLake();
    const old = createS3LedgerStore(s3Bucket(s3, bucket, true));
    const oldVersion = await old.write('orders', '0', ledgerWith(2), null);
    await old.write('orders', '1', ledgerWith(1), null);

    // Act
    const found = await store.ledger.read('orders', '0');
    const listedBefore = await store.ledger.partitions('orders');
    const moved = await store.ledger.write('orders', '0', ledgerWith(3), found.version);
    const afterMove = await store.ledger.read('orders', '0');
    const oldWrite = await old.write('orders', '0', ledgerWith(9), oldVersion);

    // Assess
    expect(found.state).toEqual(ledgerWith(2));
    expect(found.version).not.toBeNull();
    expect(listedBefore).toEqual(['0', '1']);
    expect(moved).not.toBeNull();
    expect(afterMove).toEqual({ state: ledgerWith(3), version: moved });
    // The older function's compare-and-set loses, and its re-read stops on the marker.
    expect(oldWrite).toBeNull();
    await expect(old.read('orders', '0')).rejects.toBeInstanceOf(LedgerUnreadableError);
    // Partition 1 has had no write: still listed from the bucket, so the seal timer still seals it.
    expect(await store.ledger.partitions('orders')).toEqual(['0', '1']);
  });

  it('finds the state a move marked in the bucket when the move stopped before the table had it', async () => {
    // Prepare: a move that marked the bucket's ledger and crashed before creating the item
    const { bucket, store } = freshLake();
    const old = createS3LedgerStore(s3Bucket(s3, bucket, true));
    await old.write('orders', '0', ledgerWith(2), null);
    const bucketSide = bucketLedgerToMove(s3Bucket(s3, bucket, true));
    const read = await bucketSide.read('orders', '0');
    expect(await bucketSide.freeze('orders', '0', read.version as string)).toEqual(ledgerWith(2));

    // Act
    const found = await store.ledger.read('orders', '0');
    const written = await store.ledger.write('orders', '0', ledgerWith(4), found.version);

    // Assess: the marker holds the committed state, never the one being written
    expect(found.state).toEqual(ledgerWith(2));
    expect(written).not.toBeNull();
    expect(await store.ledger.read('orders', '0')).toEqual({ state: ledgerWith(4), version: written });
  });

  it('reads a moved partition whose item went missing as a lost ledger, not as the state it once moved with', async () => {
    // Prepare: a partition moved from the bucket, then its item deleted by hand
    const { bucket, table, store } = freshLake();
    await createS3LedgerStore(s3Bucket(s3, bucket, true)).write('orders', '0', ledgerWith(2), null);
    const found = await store.ledger.read('orders', '0');
    expect(await store.ledger.write('orders', '0', ledgerWith(3), found.version)).not.toBeNull();
    await tables.send(
      new DeleteItemCommand({ TableName: table, Key: { topic: { S: 'orders' }, partition: { S: '0' } } }),
    );

    // Act
    const afterLoss = await store.ledger.read('orders', '0');

    // Assess: no version, so ingestion asks the lake what it holds before writing (README, Nothing skipped)
    expect(afterLoss).toEqual({ state: EMPTY_LEDGER, version: null });
  });

  it.each([
    ['the table store first', true],
    ['an older function first', false],
  ])(
    'keeps one ledger of a new partition when the table store and an older function both create it: %s',
    async (_case, tableFirst) => {
      // Prepare: a partition neither has seen, during the deploy that brings the table
      const { bucket, store } = freshLake();
      const old = createS3LedgerStore(s3Bucket(s3, bucket, true));
      const createInTable = () => store.ledger.write('orders', '7', ledgerWith(1), null);
      const createInBucket = () => old.write('orders', '7', ledgerWith(2), null);

      // Act
      const [first, second] = tableFirst
        ? [await createInTable(), await createInBucket()]
        : [await createInBucket(), await createInTable()];

      // Assess: the second creator loses, and the one ledger is where the table store reads it
      expect(first).not.toBeNull();
      expect(second).toBeNull();
      expect((await store.ledger.read('orders', '7')).state).toEqual(ledgerWith(tableFirst ? 1 : 2));
    },
  );

  it('lets exactly one of several writers move a bucket ledger, and the others re-read the table', async () => {
    // Prepare
    const { bucket, store } = freshLake();
    await createS3LedgerStore(s3Bucket(s3, bucket, true)).write('orders', '0', ledgerWith(2), null);
    const found = await store.ledger.read('orders', '0');

    // Act
    const versions = await Promise.all(
      [4, 5, 6, 7].map((segments) => store.ledger.write('orders', '0', ledgerWith(segments), found.version)),
    );

    // Assess
    const winners = versions.filter((version) => version !== null);
    expect(winners).toHaveLength(1);
    const winner = versions.findIndex((version) => version !== null);
    expect(await store.ledger.read('orders', '0')).toEqual({
      state: ledgerWith(4 + winner),
      version: winners[0],
    });
  });

  it('refuses an item that is not a gzipped ledger with its version, naming the table and item', async () => {
    // Prepare: an item written by hand
    const table = unique('ledger');
    await createLedgerTable(tables, table);
    await tables.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          topic: { S: 'orders' },
          partition: { S: '0' },
          ledger: { B: Buffer.from('{}') },
          version: { S: 'v' },
        },
      }),
    );
    const ledger = createDynamoLedgerStore({ client: tables, table });

    // Act
    const reading = ledger.read('orders', '0');

    // Assess
    await expect(reading).rejects.toBeInstanceOf(LedgerUnreadableError);
    await expect(reading).rejects.toThrow(
      new RegExp(
        `ledger table ${table}, item \\(orders, 0\\) is unreadable: its ledger is not gzip.*repair-ledger`,
      ),
    );
  });

  it('says what to check when the table does not exist, and does not retry what cannot pass', async () => {
    // Prepare
    const ledger = createDynamoLedgerStore({ client: tables, table: unique('ledger') });

    // Act
    const reading = ledger.read('orders', '0');

    // Assess
    await expect(reading).rejects.toBeInstanceOf(ConfigError);
    await expect(reading).rejects.toThrow(
      /read ledger \(orders, 0\): the ledger table ledger-\w+ does not exist in this account and region: check the name .* or deploy the topic's stack \(infra\/aws\)/,
    );
  });

  it.each([
    ['throttle', 'ThrottlingException'],
    ['error-500', 'InternalServerError'],
    ['error-503', 'ServiceUnavailable'],
    ['reset', 'a dropped connection'],
  ] as const)('treats %s (%s) as transient, so the batch comes again', async (fault, _answer) => {
    // Prepare: every request through a proxy that answers with the fault, the SDK's retries included
    const table = unique('ledger');
    await createLedgerTable(tables, table);
    const plan = createFaultPlan({ rate: 1, seed: 1, kinds: [fault] });
    const proxy = await startFaultProxy({ target: inject('dynamodbEndpoint'), dialect: 'dynamodb', plan });
    stops.push(() => proxy.stop());
    const client = dynamoClientFor({ endpoint: proxy.origin });
    const ledger = createDynamoLedgerStore({ client, table });

    // Act
    const outcomes = await Promise.allSettled([
      ledger.read('orders', '0'),
      ledger.write('orders', '0', ledgerWith(1), null),
      ledger.partitions('orders'),
    ]);

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(TransientStoreError);
    }
  });

  it('answers a write whose answer was lost and which the SDK tried again with the version it wrote', async () => {
    // Prepare: the first request is applied by the server but answered with a 500, as a dropped answer
    const table = unique('ledger');
    await createLedgerTable(tables, table);
    const proxy = await startFaultProxy({
      target: inject('dynamodbEndpoint'),
      dialect: 'dynamodb',
      plan: firstRequestFails('error-after-write'),
    });
    stops.push(() => proxy.stop());
    const ledger = createDynamoLedgerStore({ client: dynamoClientFor({ endpoint: proxy.origin }), table });

    // Act
    const created = await ledger.write('orders', '0', ledgerWith(2), null);
    const found = await ledger.read('orders', '0');
    const next = await ledger.write('orders', '0', ledgerWith(3), found.version);

    // Assess: the SDK's retry met the item the first try made, which the condition's answer shows.
    expect(created).not.toBeNull();
    expect(found).toEqual({ state: ledgerWith(2), version: created });
    expect(next).not.toBeNull();
  });
});

/** A plan that injects `kind` into the first request only. */
function firstRequestFails(kind: FaultKind): FaultPlan {
  let requests = 0;
  return {
    next: () => (requests++ === 0 ? kind : null),
    rearm: () => {},
    requests: () => requests,
    injected: () => ({ [kind]: requests > 0 ? 1 : 0 }) as Record<FaultKind, number>,
  };
}
