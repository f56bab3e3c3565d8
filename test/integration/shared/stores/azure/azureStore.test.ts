import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TableClient } from '@azure/data-tables';
import { AnonymousCredential, BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openLake } from '../../../../../local/emulators/openLake.js';
import { createRequestTally } from '../../../../../local/emulators/storageRequests.js';
import { CaptureError, ConfigError, TransientStoreError } from '../../../../../shared/errors.js';
import { EMPTY_LEDGER, type PartitionLedger } from '../../../../../shared/ledger.js';
import { createBlobObjectStore } from '../../../../../shared/stores/azure/blobObjectStore.js';
import { createAzureStore } from '../../../../../shared/stores/azure/createAzureStore.js';
import { createTableLedgerStore } from '../../../../../shared/stores/azure/tableLedgerStore.js';
import { describeStoreContract, ledgerWith } from '../../../../helpers/storeContract.js';

const connectionString = inject('azuriteConnectionString');
const fileId = randomUUID().slice(0, 8);
/** This file's own container and table on the shared Azurite. */
const storage = { container: `lake-${fileId}`, ledgerTable: `ledger${fileId}`, connection: 'LakeStorage' };
const env = { LakeStorage: connectionString };

describeStoreContract('azure', () => createAzureStore(storage, env));

describe('Store: azure specifics', () => {
  const topic = () => `topic-${randomUUID().slice(0, 8)}`;
  const rawTable = () =>
    TableClient.fromConnectionString(connectionString, storage.ledgerTable, {
      allowInsecureConnection: true,
    });

  it('publishes objects as application/x-ndjson without Content-Encoding so .gz stays compressed', async () => {
    // Prepare
    const store = await createAzureStore(storage, env);
    const staged = `_staging/${topic()}/0/data/1/a.jsonl.gz`;
    const target = `raw/${topic()}/2025/03/01/12/00/0-1.jsonl.gz`;
    await store.objects.stage(staged, Buffer.from([0x1f, 0x8b, 0x08, 0x00]));

    // Act
    await store.objects.publish(target, [staged]);

    // Assess
    const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
      storage.container,
    );
    const properties = await container.getBlobClient(target).getProperties();
    expect(properties.contentType).toBe('application/x-ndjson');
    expect(properties.contentEncoding).toBeUndefined();
  });

  it('splits a ledger longer than one string property across state0..stateN and reads it back', async () => {
    // Prepare
    const store = await createAzureStore(storage, env);
    const name = topic();
    const state = ledgerWith(1500);

    // Act
    await store.ledger.write(name, '0', state, null);

    // Assess
    const entity = await rawTable().getEntity<Record<string, unknown>>(name, '0');
    const chunks = Number(entity.chunks);
    const parts = Array.from({ length: chunks }, (_, index) => entity[`state${index}`] as string);
    expect(chunks).toBeGreaterThan(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(32_000);
    expect(JSON.parse(parts.join(''))).toEqual(state);
    expect((await store.ledger.read(name, '0')).state).toEqual(state);
  });

  it('refuses an entity whose state is not a ledger with a permanent error naming the entity', async () => {
    // Prepare: an entity another tool wrote under the ledger's keys
    const store = await createAzureStore(storage, env);
    const name = topic();
    await store.ledger.read(name, '0'); // the store creates the table on first use
    await rawTable().createEntity({ partitionKey: name, rowKey: '0', chunks: 1, state0: '{"open": 3}' });

    // Act
    const reading = store.ledger.read(name, '0');

    // Assess
    await expect(reading).rejects.toThrow(
      `ledger entity ${name}/0 is unreadable: stagedThrough: Invalid input`,
    );
    await expect(reading).rejects.toSatisfy((error) => error instanceof CaptureError && !error.retriable);
  });

  it('stores a ledger holding non-ASCII text as ASCII chunks and reads it back', async () => {
    // Prepare: 20,000 emoji would straddle chunk boundaries as surrogate pairs if written raw
    const store = await createAzureStore(storage, env);
    const name = topic();
    const state: PartitionLedger = {
      ...EMPTY_LEDGER,
      pending: [
        {
          kind: 'data',
          minute: 1,
          late: false,
          encoding: '.jsonl',
          segments: [],
          path: `é${'😀'.repeat(20_000)}`,
        },
      ],
    };

    // Act
    await store.ledger.write(name, '0', state, null);

    // Assess
    const entity = await rawTable().getEntity<Record<string, unknown>>(name, '0');
    expect(Number(entity.chunks)).toBeGreaterThan(1);
    for (let index = 0; index < Number(entity.chunks); index += 1) {
      expect(entity[`state${index}`]).toMatch(/^[\x20-\x7e]+$/);
    }
    expect((await store.ledger.read(name, '0')).state).toEqual(state);
  });

  it('rejects a ledger above the 1 MiB entity limit as permanent and keeps the stored one', async () => {
    // Prepare
    const store = await createAzureStore(storage, env);
    const name = topic();
    await store.ledger.write(name, '0', ledgerWith(10), null);
    const { version } = await store.ledger.read(name, '0');

    // Act
    const writing = store.ledger.write(name, '0', ledgerWith(8000), version);

    // Assess
    await expect(writing).rejects.toThrow(/above the 1 MiB limit \(8000 open segments/);
    await expect(writing).rejects.toSatisfy((error) => error instanceof CaptureError && !error.retriable);
    expect(await store.ledger.read(name, '0')).toEqual({ state: ledgerWith(10), version });
  });
});

describe('Store: azure publish', () => {
  const MIB = 1024 * 1024;

  it.each([
    ['a small object as one Put Blob', [1000, 2000, 3000], 1],
    ['an object of 16 MiB or more as a block per segment and a block list', [6 * MIB, 6 * MIB, 6 * MIB], 4],
  ])('publishes %s, whole and byte for byte', async (_, sizes, writes) => {
    // Prepare
    const tally = createRequestTally('prepare');
    const lake = await openLake('azurite', {
      emulators: { azuriteConnectionString: connectionString },
      tally,
    });
    try {
      const name = `topic-${randomUUID().slice(0, 8)}`;
      const bodies = sizes.map((size) => randomBytes(size));
      const staged = bodies.map((_, index) => `_staging/${name}/0/data/1/${index}.jsonl.zst`);
      for (const [index, path] of staged.entries())
        await lake.store.objects.stage(path, bodies[index] as Buffer);
      const target = `raw/${name}/2025/03/01/12/00/0-1.jsonl.zst`;

      // Act
      tally.setPhase('publish');
      const outcome = await lake.store.objects.publish(target, staged);
      tally.setPhase('check');

      // Assess
      expect(outcome).toBe('created');
      expect(tally.byPhase().publish?.['blob write']).toBe(writes);
      expect((await lake.store.objects.read(target)).equals(Buffer.concat(bodies))).toBe(true);
    } finally {
      await lake.close();
    }
  });

  it('creates an object of 16 MiB or more once when two sealers commit its blocks at the same time', async () => {
    // Prepare
    const store = await createAzureStore(storage, env);
    const name = `topic-${randomUUID().slice(0, 8)}`;
    const bodies = [randomBytes(9 * MIB), randomBytes(9 * MIB)];
    const staged = bodies.map((_, index) => `_staging/${name}/0/data/1/${index}.jsonl.zst`);
    for (const [index, path] of staged.entries()) await store.objects.stage(path, bodies[index] as Buffer);
    const target = `raw/${name}/2025/03/01/12/00/0-1.jsonl.zst`;

    // Act
    const outcomes = await Promise.all([
      store.objects.publish(target, staged),
      store.objects.publish(target, staged),
    ]);

    // Assess
    expect(outcomes.sort()).toEqual(['created', 'exists']);
    expect((await store.objects.read(target)).equals(Buffer.concat(bodies))).toBe(true);
  });
});

describe('Function: createAzureStore', () => {
  it.each([
    ['nothing is set', {}, 'LakeStorage, LakeStorage__blobServiceUri, LakeStorage__tableServiceUri'],
    [
      'only the blob URI is set',
      { LakeStorage__blobServiceUri: 'https://acct.blob.core.windows.net' },
      'not set: LakeStorage__tableServiceUri)',
    ],
    [
      'a service URI is not a URL',
      {
        LakeStorage__blobServiceUri: 'acct.blob',
        LakeStorage__tableServiceUri: 'https://acct.table.core.windows.net',
      },
      'LakeStorage__blobServiceUri must be a service URL',
    ],
    [
      'the connection string is malformed',
      { LakeStorage: 'AccountKey=secret;nonsense' },
      'the app setting LakeStorage',
    ],
  ])('throws a ConfigError naming the app settings when %s', async (_case, settings, expected) => {
    // Act
    const creating = createAzureStore(storage, settings);

    // Assess
    await expect(creating).rejects.toBeInstanceOf(ConfigError);
    await expect(creating).rejects.toThrow(expected);
    await expect(creating).rejects.not.toThrow('secret');
  });

  it.each([
    [
      'a managed identity',
      {
        LakeStorage__blobServiceUri: 'https://a.blob.core.windows.net',
        LakeStorage__tableServiceUri: 'https://a.table.core.windows.net',
      },
    ],
    ['the development storage shortcut', { LakeStorage: 'UseDevelopmentStorage=true' }],
  ])('builds a store without any request when configured for %s', async (_case, settings) => {
    // Act
    const store = await createAzureStore(storage, settings);

    // Assess
    expect(typeof store.objects.publish).toBe('function');
    expect(typeof store.ledger.write).toBe('function');
  });
});

describe('Store: azure error mapping', () => {
  let server: Server;
  let status = 503;
  let requests = 0;
  const endpoint = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/devstoreaccount1`;

  beforeAll(async () => {
    // A storage account that answers every request with the status under test.
    server = createServer((request, response) => {
      requests += 1;
      request.resume();
      response.writeHead(status, { 'x-ms-error-code': `Status${status}`, 'content-type': 'application/xml' });
      response.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>Status${status}</Code></Error>`);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const blobStore = (url: string) =>
    createBlobObjectStore(
      new ContainerClient(`${url}/lake`, new AnonymousCredential(), { retryOptions: { maxTries: 1 } }),
    );
  const ledgerStore = (url: string) =>
    createTableLedgerStore(
      new TableClient(url, 'ledger', { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } }),
    );

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

    // Act
    const outcomes = await Promise.allSettled([
      blobStore(endpoint()).stage('_staging/t/0/data/1/a.jsonl', Buffer.from('{}\n')),
      blobStore(endpoint()).read('raw/t/a.jsonl'),
      ledgerStore(endpoint()).read('t', '0'),
    ]);

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(reason instanceof TransientStoreError).toBe(transient);
      const original = transient ? reason.cause : reason;
      expect(original).toMatchObject({ statusCode: answer });
    }
  });

  it('treats a refused connection as transient', async () => {
    // Prepare: a port that was just free, so nothing listens on it
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/devstoreaccount1`;
    await new Promise((done) => closed.close(done));

    // Act
    const outcomes = await Promise.allSettled([
      blobStore(url).list('raw/'),
      ledgerStore(url).partitions('t'),
    ]);

    // Assess
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(TransientStoreError);
    }
  });

  it('lets the SDK retry a few times before reporting a transient failure when built by createAzureStore', async () => {
    // Prepare
    status = 503;
    requests = 0;
    const key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
    const settings = {
      LakeStorage: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};BlobEndpoint=${endpoint()};TableEndpoint=${endpoint()}`,
    };
    const store = await createAzureStore(storage, settings);

    // Act
    const listing = store.objects.list('raw/');

    // Assess
    await expect(listing).rejects.toBeInstanceOf(TransientStoreError);
    expect(requests).toBe(3);
  });
});
