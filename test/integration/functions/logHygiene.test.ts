import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { InvocationContext } from '@azure/functions';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createFaultPlan, type ServerDialect, startFaultProxy } from '../../../local/faults/faultProxy.js';
import { localLambdaContext } from '../../../local/platforms/aws/lambdaContext.js';
import type { CaptureStore } from '../../../shared/store.js';
import { createAzureStore } from '../../../shared/stores/azure/createAzureStore.js';
import { createLedgerTable, dynamoClientFor } from '../../../shared/stores/dynamodb/dynamoClient.js';
import { createS3Store, s3ClientFor } from '../../../shared/stores/s3/createS3Store.js';
import { canary, leaksIn } from '../../helpers/canaries.js';
import {
  azureKafkaCanaryEvents,
  type CanaryBody,
  canaryBodies,
  deadLettersByReason,
  eventHubsCanaryBatch,
  lambdaKafkaCanaryEvent,
} from '../../helpers/canaryBatches.js';
import { captureHostRegistrations } from '../../helpers/functionsHost.js';
import { readLines } from '../../helpers/lakeReader.js';
import { type CapturedOutput, captureOutput } from '../../helpers/logCapture.js';

/**
 * Issue 8, security: no secret, connection string or record body in any log line. Every function the
 * product deploys runs from its deployed entry (the Function App's registrations, the Lambda
 * modules), configured as in the cloud through its environment, which carries canary credentials,
 * on batches whose bodies, keys and headers carry canaries; everything written is captured (stdout,
 * stderr, console, the InvocationContext, Powertools logs and metrics, and what the platform logs
 * for a thrown error) and searched for them.
 */

const HOUR = 3_600_000;
const MAX_RECORD_BYTES = 1024;
/**
 * Records two hours old on a topic with no seal delay: the timers seal and compact them on the real
 * clock, which the deployed functions use.
 */
const recordsTime = () => Date.now() - 2 * HOUR;

const uniqueId = () => randomUUID().replaceAll('-', '').slice(0, 12);
const recordsOf = (output: CapturedOutput, event: string) =>
  output.records().filter((record) => record.event === event || record.message === event);

/** A storage connection string's fields. */
function connectionFields(connectionString: string): Record<string, string> {
  return Object.fromEntries(
    connectionString.split(';').flatMap((field) => {
      const at = field.indexOf('=');
      return at > 0 ? [[field.slice(0, at), field.slice(at + 1)]] : [];
    }),
  );
}

/**
 * The suite's Azurite reached with an account SAS, as an app given a SAS connection string would:
 * the signature is a real secret the functions send with every request. `endpoints` puts proxies in
 * front of the blob and table services.
 */
function azuriteSasConnection(endpoints?: { blob: string; table: string }) {
  const fields = connectionFields(inject('azuriteConnectionString'));
  const account = fields.AccountName ?? '';
  const sas = generateAccountSASQueryParameters(
    {
      expiresOn: new Date(Date.now() + HOUR),
      permissions: AccountSASPermissions.parse('rwdlacu'),
      resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
      services: AccountSASServices.parse('bt').toString(),
    },
    new StorageSharedKeyCredential(account, fields.AccountKey ?? ''),
  );
  const blob = endpoints ? `${endpoints.blob}/${account}` : fields.BlobEndpoint;
  const table = endpoints ? `${endpoints.table}/${account}` : fields.TableEndpoint;
  return {
    connectionString: `BlobEndpoint=${blob};TableEndpoint=${table};SharedAccessSignature=${sas.toString()}`,
    secrets: [sas.signature, sas.toString()],
  };
}

/** Servers a test started (proxies, stand-ins), stopped after it. */
const serversToStop: { stop(): Promise<void> }[] = [];

/** A proxy in front of `target` that resets every connection: storage that cannot be reached at all. */
async function unreachable(target: string, dialect: ServerDialect): Promise<string> {
  const plan = createFaultPlan({ rate: 1, seed: 8, kinds: ['reset'] });
  const proxy = await startFaultProxy({ target: new URL(target).origin, dialect, plan });
  serversToStop.push(proxy);
  return proxy.origin;
}

/** The lake's raw and dead-letter lines in one text, dead bodies decoded: where the canaries must be. */
async function lakeText(store: CaptureStore): Promise<string> {
  const lake = [
    ...(await readLines(store.objects, 'raw')),
    ...(await readLines(store.objects, 'deadletter')),
  ];
  return lake
    .map(({ value }) => {
      const { bodyBase64 } = value as { bodyBase64?: string };
      return JSON.stringify(value) + (bodyBase64 ? Buffer.from(bodyBase64, 'base64').toString('utf8') : '');
    })
    .join('\n');
}

const secretsOf = (bodies: readonly CanaryBody[]) => bodies.map(({ body }) => body);

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all(serversToStop.splice(0).map((server) => server.stop()));
});

describe('Log hygiene: the Azure Function App (functions/azure/index.ts)', () => {
  const host = captureHostRegistrations();
  afterAll(() => host.restore());

  /** The app settings of a real app beside the lake's: the functions must never print any of them. */
  const APP_SETTINGS = {
    CAPTURE_TOPIC: 'orders',
    AzureWebJobsStorage: `DefaultEndpointsProtocol=https;AccountName=jobs;AccountKey=${canary('webjobs-account-key')};EndpointSuffix=core.windows.net`,
    EventHubConnection: `Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=${canary('eventhub-key')}`,
    KafkaBrokerList: 'b1.kafka.example.com:9093',
    KafkaUsername: 'capture',
    KafkaPassword: canary('kafka-password'),
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${canary('appinsights-key')};IngestionEndpoint=https://westeurope.in.applicationinsights.azure.com/`,
  };

  function topicYaml(source: 'eventhub' | 'kafka', id: string): string {
    return [
      'topics:',
      '  - name: orders',
      `    source: ${source}`,
      '    consumerGroup: capture',
      '    sealDelaySeconds: 0',
      `    maxRecordBytes: ${MAX_RECORD_BYTES}`,
      '    jsonl: { envelope: true }',
      '    compaction: { partitionsPerGroup: 1 }',
      `    storage: { container: lake-${id}, ledgerTable: ledger${id}, connection: LakeStorage }`,
      '',
    ].join('\n');
  }

  /** Loads the app as the host does at cold start, from a config file and app settings. */
  async function loadApp(configText: string, lakeStorage: string) {
    const configFile = join(await mkdtemp(join(tmpdir(), 'capture-hygiene-')), 'capture.config.yaml');
    await writeFile(configFile, configText);
    host.registrations.length = 0;
    vi.resetModules();
    for (const [name, value] of Object.entries({ ...APP_SETTINGS, CAPTURE_CONFIG: configFile })) {
      vi.stubEnv(name, value);
    }
    vi.stubEnv('LakeStorage', lakeStorage);
    return import('../../../functions/azure/index.js');
  }

  function registrationOf(name: string) {
    const registration = host.registrations.find((candidate) => candidate.name === name);
    if (!registration) throw new Error(`the app registered no function ${name}`);
    return registration;
  }
  const handlerOf = (name: string) => registrationOf(name).handler;

  /** What an invocation put in its function's output bindings: what the host sends on (queue messages). */
  function outputsOf(name: string, invocation: InvocationContext): unknown[] {
    return Object.entries(registrationOf(name).bindings)
      .filter(([, binding]) => binding.direction === 'out')
      .flatMap(([bindingName, binding]) => {
        const value = invocation.extraOutputs.get({ name: bindingName, type: String(binding.type) });
        return Array.isArray(value) ? value : [value];
      });
  }
  /** The one partition group of the batches below, as the compaction timer enqueues it. */
  const GROUP = { topic: 'orders', partitions: ['0'] };

  const lakeOf = (id: string) =>
    createAzureStore(
      { container: `lake-${id}`, ledgerTable: `ledger${id}`, connection: 'Lake' },
      { Lake: inject('azuriteConnectionString') },
    );

  it('eventhub-ingest, seal-timer, compact-timer and compact-group keep bodies, keys, properties and the SAS out of every line', async () => {
    // Prepare
    const id = uniqueId();
    const sas = azuriteSasConnection();
    await loadApp(topicYaml('eventhub', id), sas.connectionString);
    const bodies = canaryBodies(MAX_RECORD_BYTES);
    const batch = eventHubsCanaryBatch('orders', bodies, recordsTime());
    const output = captureOutput();

    // Act: the timer's queue messages reach compact-group as the host would deliver them.
    await handlerOf('eventhub-ingest')(
      batch.messages,
      output.invocation('eventhub-ingest', batch.triggerMetadata),
    );
    await handlerOf('seal-timer')(null, output.invocation('seal-timer'));
    const timer = output.invocation('compact-timer');
    await handlerOf('compact-timer')(null, timer);
    const queued = outputsOf('compact-timer', timer);
    for (const message of queued)
      await handlerOf('compact-group')(message, output.invocation('compact-group'));

    // Assess: the canaries went through the functions into the lake...
    const lake = await lakeText(await lakeOf(id));
    for (const value of ['body-first', 'partition-key-0', 'property-0', 'body-invalid-json']) {
      expect(lake).toContain(value);
    }
    // ...the lines an operator needs were written...
    expect(recordsOf(output, 'capture.invocation')).toEqual([
      expect.objectContaining({
        function: 'eventhub-ingest',
        records: bodies.length,
        deadLettersByReason: deadLettersByReason(bodies),
      }),
      expect.objectContaining({ function: 'seal-timer', objectsSealed: 2 }),
    ]);
    expect(queued).toEqual([GROUP]);
    expect(recordsOf(output, 'capture.compaction-dispatch')).toEqual([
      expect.objectContaining({ function: 'compact-timer', groups: 1 }),
    ]);
    expect(recordsOf(output, 'capture.compaction')).toEqual([
      expect.objectContaining({ function: 'compact-group', rowsWritten: 2 }),
    ]);
    // ...and none of them gives anything away.
    expect(leaksIn(output.lines(), [...sas.secrets, ...secretsOf(bodies)])).toEqual([]);
  });

  it('kafka-ingest and seal-timer keep keys, values, headers and the account key out of every line', async () => {
    // Prepare: the lake's connection string holds the account key this time.
    const id = uniqueId();
    const connectionString = inject('azuriteConnectionString');
    await loadApp(topicYaml('kafka', id), connectionString);
    // The trigger delivers values as text, so a body that is not UTF-8 cannot reach this function.
    const bodies = canaryBodies(MAX_RECORD_BYTES).filter(({ outcome }) => outcome !== 'not-utf8');
    const output = captureOutput();

    // Act
    await handlerOf('kafka-ingest')(
      azureKafkaCanaryEvents('orders', bodies, recordsTime()),
      output.invocation('kafka-ingest'),
    );
    await handlerOf('seal-timer')(null, output.invocation('seal-timer'));

    // Assess
    const lake = await lakeText(await lakeOf(id));
    for (const value of ['body-last', 'key-0', 'body-too-large']) expect(lake).toContain(value);
    expect(recordsOf(output, 'capture.invocation')).toEqual([
      expect.objectContaining({ function: 'kafka-ingest', deadLettersByReason: deadLettersByReason(bodies) }),
      expect.objectContaining({ function: 'seal-timer', objectsSealed: 2 }),
    ]);
    const accountKey = connectionFields(connectionString).AccountKey ?? '';
    expect(leaksIn(output.lines(), [accountKey, ...secretsOf(bodies)])).toEqual([]);
  });

  it('logs and rethrows a storage failure of every function without the SAS or a body', async () => {
    // Prepare
    const fields = connectionFields(inject('azuriteConnectionString'));
    const sas = azuriteSasConnection({
      blob: await unreachable(fields.BlobEndpoint ?? '', 'azure-blob'),
      table: await unreachable(fields.TableEndpoint ?? '', 'azure-table'),
    });
    await loadApp(topicYaml('eventhub', uniqueId()), sas.connectionString);
    const bodies = canaryBodies(MAX_RECORD_BYTES);
    const batch = eventHubsCanaryBatch('orders', bodies, recordsTime());
    const output = captureOutput();

    // Act
    const runs = [
      await output.settle(
        handlerOf('eventhub-ingest')(
          batch.messages,
          output.invocation('eventhub-ingest', batch.triggerMetadata),
        ),
      ),
      await output.settle(handlerOf('seal-timer')(null, output.invocation('seal-timer'))),
      await output.settle(handlerOf('compact-timer')(null, output.invocation('compact-timer'))),
      await output.settle(handlerOf('compact-group')(GROUP, output.invocation('compact-group'))),
    ];

    // Assess
    expect(runs.map(({ error }) => (error as { retriable?: boolean }).retriable)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(recordsOf(output, 'capture.failure').map((line) => [line.function, line.retriable])).toEqual([
      ['eventhub-ingest', true],
      ['seal-timer', true],
      ['compact-timer', true],
      ['compact-group', true],
    ]);
    expect(leaksIn(output.lines(), [...sas.secrets, ...secretsOf(bodies)])).toEqual([]);
  });

  it("keeps a schema registry's credentials out of every line when the registry refuses them", async () => {
    // Prepare: a Confluent registry that answers every request with 401, the credentials in app settings
    const password = canary('registry-password');
    const refusing = createServer((_request, response) => {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error_code":40101}');
    });
    await new Promise<void>((done) => refusing.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    vi.stubEnv('SchemaRegistryUser', 'capture');
    vi.stubEnv('SchemaRegistryPassword', password);
    const id = uniqueId();
    await loadApp(
      `${topicYaml('kafka', id)}    registry: { kind: confluent, url: "${url}", credentials: { usernameSetting: SchemaRegistryUser, passwordSetting: SchemaRegistryPassword } }\n`,
      azuriteSasConnection().connectionString,
    );
    const framed = Buffer.from([0, 0, 0, 0, 7, 2, 0x61]);
    const output = captureOutput();

    // Act
    const { error } = await output.settle(
      handlerOf('kafka-ingest')(
        [framed],
        output.invocation('kafka-ingest', { partitionArray: [0], offsetArray: [0], keyArray: [null] }),
      ),
    );
    await new Promise((done) => refusing.close(done));

    // Assess: the partition holds with an error that says what to check, and says nothing secret
    expect(error).toMatchObject({
      retriable: false,
      message: expect.stringMatching(/HTTP 401: check the credentials/),
    });
    expect(recordsOf(output, 'capture.failure')).toHaveLength(1);
    const basic = Buffer.from(`capture:${password}`).toString('base64');
    expect(leaksIn(output.lines(), [password, basic])).toEqual([]);
  });

  it('reports a batch of the wrong data type without quoting the body it holds', async () => {
    // Prepare: a trigger registered with cardinality one and dataType string hands over a bare body.
    await loadApp(topicYaml('eventhub', uniqueId()), azuriteSasConnection().connectionString);
    const body = JSON.stringify({ note: canary('misdelivered-body') });
    const output = captureOutput();

    // Act
    const { error } = await output.settle(
      handlerOf('eventhub-ingest')(body, output.invocation('eventhub-ingest', {})),
    );

    // Assess
    expect(error).toMatchObject({ name: 'TriggerShapeError', retriable: false });
    expect(recordsOf(output, 'capture.failure')).toEqual([
      expect.objectContaining({ retriable: false, error: expect.stringMatching(/cardinality: 'many'/) }),
    ]);
    expect(leaksIn(output.lines(), [body])).toEqual([]);
  });

  it.each([
    [
      'the lake setting holds an Event Hubs connection string',
      () => topicYaml('eventhub', uniqueId()),
      `Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${canary('wrong-connection-key')}`,
      /the app setting LakeStorage is not a usable storage connection string/,
    ],
    [
      'the config file holds a connection string where an app setting name belongs',
      () =>
        topicYaml('eventhub', uniqueId()).replace(
          'connection: LakeStorage',
          `connection: "AccountName=lake;AccountKey=${canary('pasted-account-key')}"`,
        ),
      inject('azuriteConnectionString'),
      /field storage\.connection: an app setting name/,
    ],
    [
      'the config file is not YAML on the line holding a pasted secret',
      () =>
        topicYaml('eventhub', uniqueId()).replace(
          'connection: LakeStorage }',
          `connection: "AccountKey=${canary('unclosed-account-key')} }`,
        ),
      inject('azuriteConnectionString'),
      /not valid YAML: Missing closing "quote at line \d+, column \d+$/,
    ],
  ])('fails without echoing secrets when %s', async (_case, configText, lakeStorage, message) => {
    // Prepare
    const output = captureOutput();

    // Act: a bad config stops the app at cold start; a bad lake setting fails the first invocation.
    const loaded = await output.settle(loadApp(configText(), lakeStorage));
    const invoked =
      loaded.error === undefined
        ? await output.settle(handlerOf('seal-timer')(null, output.invocation('seal-timer')))
        : {};

    // Assess
    const error = loaded.error ?? invoked.error;
    expect(error).toMatchObject({ name: 'ConfigError', retriable: false });
    expect((error as Error).message).toMatch(message);
    expect(leaksIn(output.lines())).toEqual([]);
  });
});

describe('Log hygiene: the Lambda functions (functions/aws/*.ts)', () => {
  const s3Endpoint = () => inject('s3Endpoint');
  const dynamodbEndpoint = () => inject('dynamodbEndpoint');

  /** The topic entry the stack puts in CAPTURE_TOPIC_CONFIG, with the secret ARNs an MSK topic may name. */
  const topicEntry = {
    name: 'payments',
    source: 'kafka',
    platform: 'aws',
    consumerGroup: 'capture-payments',
    sealDelaySeconds: 0,
    maxRecordBytes: MAX_RECORD_BYTES,
    jsonl: { envelope: true },
    compaction: { partitionsPerGroup: 1 },
    aws: {
      msk: {
        clusterArn:
          'arn:aws:kafka:eu-west-1:123456789012:cluster/lake/0b5ac5e2-6f1e-4a8b-9c55-2f3e4d5c6b7a-3',
        secretArn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_${canary('scram-secret')}`,
        secretKmsKeyArn: `arn:aws:kms:eu-west-1:123456789012:key/${canary('kms-key')}`,
      },
    },
  };
  /** The one partition group of the batches below, as the dispatcher sends it to a worker. */
  const GROUP = { topic: 'payments', partitions: ['0'] };

  /**
   * The function's environment as Lambda gives it: the stack's variables and the role's temporary
   * credentials, with the S3, DynamoDB and Lambda endpoints pointed at the test servers through the
   * SDK's own variables.
   */
  function stubLambdaEnvironment(
    endpoints: { bucket: string; ledgerTable?: string; s3: string; dynamodb?: string; lambda?: string },
    topicConfig = JSON.stringify(topicEntry),
  ) {
    const variables = {
      CAPTURE_TOPIC_CONFIG: topicConfig,
      CAPTURE_BUCKET: endpoints.bucket,
      CAPTURE_LEDGER_TABLE: endpoints.ledgerTable ?? 'ledger-unused',
      CAPTURE_COMPACTION_WORKER: 'capture-payments-compaction',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: canary('access-key-id'),
      AWS_SECRET_ACCESS_KEY: canary('secret-access-key'),
      AWS_SESSION_TOKEN: canary('session-token'),
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb ?? dynamodbEndpoint(),
      AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda ?? 'http://127.0.0.1:9',
    };
    for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
  }

  /** The deployed entries, imported afresh (each reads its environment at init, as on Lambda). */
  async function loadFunctions() {
    vi.resetModules();
    const [ingest, seal, dispatcher, worker] = await Promise.all([
      import('../../../functions/aws/ingest.js'),
      import('../../../functions/aws/sealTimer.js'),
      import('../../../functions/aws/compactDispatcher.js'),
      import('../../../functions/aws/compact.js'),
    ]);
    return {
      ingest: (event: unknown) => ingest.handler(event, localLambdaContext('capture-payments-ingest')),
      seal: () => seal.handler({}, localLambdaContext('capture-payments-seal')),
      dispatch: () => dispatcher.handler({}, localLambdaContext('capture-payments-compaction-dispatch')),
      compact: (group: unknown) => worker.handler(group, localLambdaContext('capture-payments-compaction')),
    };
  }

  /** A bucket and a ledger table, as the stack creates them for the topic. */
  async function freshBucket(): Promise<{ bucket: string; ledgerTable: string; store: CaptureStore }> {
    const bucket = `lake-${uniqueId()}`;
    const ledgerTable = `ledger-${uniqueId()}`;
    const client = s3ClientFor({ endpoint: s3Endpoint() });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    // In the functions' region (AWS_REGION below): the emulator keeps each region's tables apart.
    const tables = dynamoClientFor({ endpoint: dynamodbEndpoint(), region: 'eu-west-1' });
    await createLedgerTable(tables, ledgerTable);
    tables.destroy();
    return { bucket, ledgerTable, store: createS3Store({ bucket, client }) };
  }

  it('ingest, seal timer and compaction keep keys, values, headers, credentials and secret ARNs out of every line', async () => {
    // Prepare
    const { bucket, ledgerTable, store } = await freshBucket();
    const lambda = await lambdaInvokeStandIn();
    stubLambdaEnvironment({ bucket, ledgerTable, s3: s3Endpoint(), lambda: lambda.endpoint });
    const functions = await loadFunctions();
    const bodies = canaryBodies(MAX_RECORD_BYTES);
    const output = captureOutput();

    // Act: the dispatcher's asynchronous invocations reach the worker as Lambda would deliver them.
    await functions.ingest(lambdaKafkaCanaryEvent('payments', bodies, recordsTime()));
    await functions.seal();
    await functions.dispatch();
    for (const event of lambda.events) await functions.compact(event);

    // Assess
    const lake = await lakeText(store);
    for (const value of ['body-first', 'key-0', 'body-not-utf8']) expect(lake).toContain(value);
    expect(lambda.events).toEqual([GROUP]);
    expect(recordsOf(output, 'capture.invocation')).toEqual([
      expect.objectContaining({
        function: 'aws-ingest',
        records: bodies.length,
        deadLettersByReason: deadLettersByReason(bodies),
      }),
      expect.objectContaining({ function: 'aws-seal-timer', objectsSealed: 2 }),
    ]);
    expect(recordsOf(output, 'capture.compaction')).toEqual([
      expect.objectContaining({ function: 'aws-compact', rowsWritten: 2 }),
    ]);
    const metrics = output.records().filter((record) => record._aws !== undefined);
    expect(metrics).toEqual([
      expect.objectContaining({ Records: bodies.length, DeadLetters: 4 }),
      expect.objectContaining({ ObjectsSealed: 2 }),
      expect.anything(),
      expect.objectContaining({ RowsCompacted: 2 }),
    ]);
    expect(leaksIn(output.lines(), secretsOf(bodies))).toEqual([]);
  });

  it('logs, counts and rethrows a storage failure of every function without credentials or a body', async () => {
    // Prepare
    const { bucket, ledgerTable } = await freshBucket();
    stubLambdaEnvironment({
      bucket,
      ledgerTable,
      s3: await unreachable(s3Endpoint(), 's3'),
      dynamodb: await unreachable(dynamodbEndpoint(), 'dynamodb'),
    });
    const functions = await loadFunctions();
    const bodies = canaryBodies(MAX_RECORD_BYTES);
    const output = captureOutput();

    // Act
    const runs = [
      await output.settle(functions.ingest(lambdaKafkaCanaryEvent('payments', bodies, recordsTime()))),
      await output.settle(functions.seal()),
      await output.settle(functions.dispatch()),
      await output.settle(functions.compact(GROUP)),
    ];

    // Assess
    expect(runs.map(({ error }) => (error as { retriable?: boolean }).retriable)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(recordsOf(output, 'capture.failure').map((line) => [line.function, line.retriable])).toEqual([
      ['aws-ingest', true],
      ['aws-seal-timer', true],
      ['aws-compact-dispatcher', true],
      ['aws-compact', true],
    ]);
    expect(output.records().filter((record) => record.Failures === 1)).toHaveLength(4);
    expect(leaksIn(output.lines(), secretsOf(bodies))).toEqual([]);
  });

  it.each([
    ['an SQS event', { Records: [{ eventSource: 'aws:sqs', body: canary('sqs-body') }] }],
    ['a bare value', canary('bare-value')],
  ])('reports %s where a Kafka event belongs without quoting it', async (_case, event) => {
    // Prepare
    const { bucket, ledgerTable } = await freshBucket();
    stubLambdaEnvironment({ bucket, ledgerTable, s3: s3Endpoint() });
    const functions = await loadFunctions();
    const output = captureOutput();

    // Act
    const { error } = await output.settle(functions.ingest(event));

    // Assess
    expect(error).toMatchObject({ name: 'TriggerShapeError', retriable: false });
    expect(recordsOf(output, 'capture.failure')).toEqual([
      expect.objectContaining({
        retriable: false,
        error: expect.stringMatching(/MSK or self-managed Kafka/),
      }),
    ]);
    expect(leaksIn(output.lines())).toEqual([]);
  });

  it.each([
    [
      'holds a field the schema rejects beside the secret ARNs',
      JSON.stringify({ ...topicEntry, compression: 'lz4' }),
      /CAPTURE_TOPIC_CONFIG: topic "payments" \(topics\[0\]\), field compression/,
    ],
    [
      'holds a secret where the secret ARN belongs',
      JSON.stringify({
        ...topicEntry,
        aws: { msk: { ...topicEntry.aws.msk, secretArn: canary('password') } },
      }),
      /field aws\.msk\.secretArn: an ARN of secretsmanager/,
    ],
    ['is not JSON but a pasted secret', canary('pasted-secret'), /CAPTURE_TOPIC_CONFIG is not JSON/],
  ])(
    'fails at init without echoing secrets when CAPTURE_TOPIC_CONFIG %s',
    async (_case, topicConfig, message) => {
      // Prepare
      stubLambdaEnvironment({ bucket: 'lake-unused', s3: s3Endpoint() }, topicConfig);
      const output = captureOutput();

      // Act
      const { error } = await output.settle(loadFunctions());

      // Assess
      expect(error).toMatchObject({ name: 'ConfigError', retriable: false });
      expect((error as Error).message).toMatch(message);
      expect(leaksIn(output.lines())).toEqual([]);
    },
  );
});

/**
 * Lambda's Invoke API as the compaction dispatcher calls it: an asynchronous invocation is queued
 * (202) and its event kept, for the test to deliver to the worker as Lambda would.
 */
async function lambdaInvokeStandIn(): Promise<{ endpoint: string; events: unknown[] }> {
  const events: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serversToStop.push({ stop: () => new Promise((resolve) => server.close(() => resolve())) });
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, events };
}
