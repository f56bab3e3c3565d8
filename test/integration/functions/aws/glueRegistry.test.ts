import { deflateSync } from 'node:zlib';
import {
  CreateRegistryCommand,
  CreateSchemaCommand,
  GlueClient,
  RegisterSchemaVersionCommand,
} from '@aws-sdk/client-glue';
import avro from 'avsc';
import protobuf from 'protobufjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { glueSchemaVersionReader } from '../../../../functions/aws/glueSchemaVersions.js';
import { createIngestHandler } from '../../../../functions/aws/ingestHandler.js';
import { observabilityFor } from '../../../../functions/aws/observability.js';
import { createSealTimerHandler } from '../../../../functions/aws/sealTimerHandler.js';
import { type RunningGlueRegistry, startGlueRegistry } from '../../../../local/emulators/glueRegistry.js';
import { ensureS3Server } from '../../../../local/emulators/s3Server.js';
import { localLambdaContext } from '../../../../local/platforms/aws/lambdaContext.js';
import type { FetchedRecord } from '../../../../local/platforms/kafka/batches.js';
import { lambdaKafkaEvent } from '../../../../local/platforms/kafka/events.js';
import { topicSchema } from '../../../../shared/config/schema.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { registryDecoderFor } from '../../../../shared/registry/registryDecoderFor.js';
import { freshFsStore } from '../../../helpers/freshStores.js';
import { readLines } from '../../../helpers/lakeReader.js';
import { avroOrderValue, expectedAvroJson, orders } from '../../../helpers/registry/orderRecords.js';
import { orderAvroSchema, type SchemaVersion } from '../../../helpers/registry/orderSchemas.js';

const REGISTRY = 'orders-registry';
const SCHEMA_NAME = 'orders-value';
const MINUTE = Date.UTC(2026, 10, 21, 12, 0, 0);
const UNKNOWN_VERSION = '00000000-0000-4000-8000-000000000000';

/** Glue's framing, written from AWS's documented format: version 3, compression (0 or 5, zlib), the version's UUID. */
function glueFramed(versionId: string, payload: Buffer, compressed: boolean): Buffer {
  const header = Buffer.from([3, compressed ? 5 : 0]);
  return Buffer.concat([
    header,
    Buffer.from(versionId.replaceAll('-', ''), 'hex'),
    compressed ? deflateSync(payload) : payload,
  ]);
}

const glueClient = (endpoint: string) =>
  new GlueClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });

describe('AWS Lambda ingestion of Glue-framed records, schemas from a Glue Schema Registry (moto)', () => {
  let glue: RunningGlueRegistry;
  let client: GlueClient;
  const versionIds: Record<SchemaVersion, string> = { 1: '', 2: '' };

  beforeAll(async () => {
    await ensureS3Server();
    glue = await startGlueRegistry();
    client = glueClient(glue.endpoint);
    await client.send(new CreateRegistryCommand({ RegistryName: REGISTRY }));
    const created = await client.send(
      new CreateSchemaCommand({
        RegistryId: { RegistryName: REGISTRY },
        SchemaName: SCHEMA_NAME,
        DataFormat: 'AVRO',
        // moto requires it; Glue itself defaults to BACKWARD.
        Compatibility: 'BACKWARD',
        SchemaDefinition: orderAvroSchema(1),
      }),
    );
    const second = await client.send(
      new RegisterSchemaVersionCommand({
        SchemaId: { RegistryName: REGISTRY, SchemaName: SCHEMA_NAME },
        SchemaDefinition: orderAvroSchema(2),
      }),
    );
    versionIds[1] = created.SchemaVersionId ?? '';
    versionIds[2] = second.SchemaVersionId ?? '';
  }, 120_000);

  afterAll(async () => {
    await glue?.stop();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The Lambda ingestion and seal functions on a fresh lake, decoding through the given Glue client. */
  async function harness(glueForDecoder: GlueClient) {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const topic = topicSchema.parse({
      name: 'orders',
      source: 'kafka',
      platform: 'aws',
      consumerGroup: 'capture-orders',
      aws: {
        selfManagedKafka: {
          bootstrapServers: ['b-1.kafka.test:9096'],
          secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbC',
        },
      },
      jsonl: { envelope: true },
      registry: { kind: 'glue', registryName: REGISTRY },
    });
    let now = MINUTE + 30_000;
    const context: CaptureContext = {
      topic,
      store: await freshFsStore(),
      clock: () => now,
      decoder: registryDecoderFor(topic, { glueReader: glueSchemaVersionReader(glueForDecoder) }),
    };
    const observability = observabilityFor(topic.name);
    return {
      context,
      ingest: (records: FetchedRecord[]) =>
        createIngestHandler(async () => context, observability)(
          lambdaKafkaEvent('orders', ['b-1.kafka.test:9096'], records),
          localLambdaContext('capture-orders-ingest'),
        ),
      seal: async () => {
        now = MINUTE + 10 * 60_000;
        await createSealTimerHandler(async () => context, observability)(
          {},
          localLambdaContext('capture-orders-seal'),
        );
      },
    };
  }

  const record = (offset: number, key: string, value: Buffer): FetchedRecord => ({
    partition: 0,
    offset,
    timestamp: MINUTE + offset,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(key),
    value,
    headers: [],
  });

  it('decodes both schema versions, plain and zlib-compressed, and dead-letters an unknown version and a garbage frame', async () => {
    // Prepare
    const produced = [
      ...orders('glue', 6, 1).map((order) => ({ order, version: 1 as const })),
      ...orders('glue', 6, 2).map((order) => ({ order, version: 2 as const })),
    ];
    const records = produced.map(({ order, version }, offset) => {
      const payload = avro.Type.forSchema(JSON.parse(orderAvroSchema(version))).toBuffer(
        avroOrderValue(order, version),
      );
      return record(offset, order.id, glueFramed(versionIds[version], payload, offset % 2 === 1));
    });
    const unknown = glueFramed(UNKNOWN_VERSION, Buffer.from([2]), false);
    const garbage = Buffer.from('{"not":"framed"}');
    records.push(record(records.length, 'unknown', unknown), record(records.length + 1, 'garbage', garbage));
    const { context, ingest, seal } = await harness(client);

    // Act
    await ingest(records);
    await seal();

    // Assess
    const lines = (await readLines(context.store.objects, 'raw/')).map(
      ({ value }) => value as Record<string, unknown>,
    );
    expect(lines).toHaveLength(produced.length);
    for (const [index, { order, version }] of produced.entries()) {
      expect(lines[index]).toMatchObject({
        key: order.id,
        schema: { registry: 'glue', id: versionIds[version], format: 'avro', subject: SCHEMA_NAME, version },
        body: expectedAvroJson(order, version),
      });
    }
    const deadLetters = (await readLines(context.store.objects, 'deadletter/')).map(
      ({ value }) => value as Record<string, unknown>,
    );
    expect(deadLetters.map(({ key, reason, bodyBase64 }) => ({ key, reason, bodyBase64 }))).toEqual([
      { key: 'unknown', reason: 'unknown-schema', bodyBase64: unknown.toString('base64') },
      { key: 'garbage', reason: 'not-framed', bodyBase64: garbage.toString('base64') },
    ]);
    expect(await context.store.objects.list('_schemas/')).toEqual(
      [1, 2].map((version) => `_schemas/orders/glue-${versionIds[version as SchemaVersion]}.json`).sort(),
    );
  });

  it("decodes Protobuf by Glue's message index (one varint into the file's messages sorted by name)", async () => {
    // Prepare: a Protobuf schema in the registry, and an Order framed as AWS's serializer frames it
    const definition =
      'syntax = "proto3";\npackage shop;\nmessage Order {\n  string id = 1;\n  map<string, int32> tags = 2;\n  Line line = 3;\n  message Line { string sku = 1; }\n}\nmessage Audit { string by = 1; }\n';
    const created = await client.send(
      new CreateSchemaCommand({
        RegistryId: { RegistryName: REGISTRY },
        SchemaName: 'orders-proto',
        DataFormat: 'PROTOBUF',
        Compatibility: 'BACKWARD',
        SchemaDefinition: definition,
      }),
    );
    const root = protobuf.parse(definition, { keepCase: true }).root;
    const Order = root.lookupType('shop.Order');
    const payload = Order.encode(
      Order.fromObject({ id: 'o-1', tags: { a: 1 }, line: { sku: 'X' } }),
    ).finish();
    // shop.Audit, shop.Order, shop.Order.Line, shop.Order.TagsEntry: Order is index 1.
    const messageIndex = Buffer.from([1]);
    const { context, ingest, seal } = await harness(client);

    // Act
    await ingest([
      record(
        0,
        'o-1',
        glueFramed(created.SchemaVersionId ?? '', Buffer.concat([messageIndex, payload]), false),
      ),
    ]);
    await seal();

    // Assess
    const [line] = (await readLines(context.store.objects, 'raw/')).map(({ value }) => value);
    expect(line).toMatchObject({
      schema: {
        registry: 'glue',
        format: 'protobuf',
        subject: 'orders-proto',
        version: 1,
        message: 'shop.Order',
      },
      body: { id: 'o-1', tags: { a: 1 }, line: { sku: 'X' } },
    });
  });

  it('fails the batch, retriably and without writing anything, while Glue cannot be reached', async () => {
    // Prepare: a Glue endpoint nothing listens on
    const stopped = await startGlueRegistry();
    await stopped.stop();
    const { context, ingest } = await harness(glueClient(stopped.endpoint));
    const [order] = orders('down', 1, 1);
    if (order === undefined) throw new Error('no order');
    const payload = avro.Type.forSchema(JSON.parse(orderAvroSchema(1))).toBuffer(avroOrderValue(order, 1));

    // Act
    const act = ingest([record(0, order.id, glueFramed(versionIds[1], payload, false))]);

    // Assess
    await expect(act).rejects.toThrow(/Glue GetSchemaVersion of .* failed transiently/);
    expect(await context.store.objects.list('')).toEqual([]);
    expect((await context.store.ledger.read('orders', '0')).version).toBeNull();
  });
});
