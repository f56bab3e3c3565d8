import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventhubIngestHandler } from '../../../../functions/azure/eventhubIngest.js';
import { createKafkaIngestHandler } from '../../../../functions/azure/kafkaIngest.js';
import { createSealTimerHandler } from '../../../../functions/azure/sealTimer.js';
import {
  eventHubsDelivery,
  type PartitionEvent,
} from '../../../../local/platforms/azure/eventHubsDelivery.js';
import { localInvocation } from '../../../../local/platforms/azure/invocationContext.js';
import { azureKafkaEvents } from '../../../../local/platforms/kafka/events.js';
import { type TopicConfig, topicSchema } from '../../../../shared/config/schema.js';
import { RegistryUnavailableError } from '../../../../shared/errors.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { registryDecoderFor } from '../../../../shared/registry/registryDecoderFor.js';
import { freshFsStore } from '../../../helpers/freshStores.js';
import { readLines } from '../../../helpers/lakeReader.js';
import { avroOrderValue, expectedAvroJson, orders } from '../../../helpers/registry/orderRecords.js';
import { orderAvroSchema, type SchemaVersion } from '../../../helpers/registry/orderSchemas.js';

/**
 * Azure Schema Registry has no emulator: this server answers `GET /$schemaGroups/$schemas/{id}` as
 * the documented REST API does (Schema - Get By Id, api-version 2023-07-01): the schema text as the
 * body, `Content-Type: application/json;serialization=Avro`, and the `Schema-Id`, `Schema-Id-Location`,
 * `Schema-Group-Name`, `Schema-Name` and `Schema-Version` headers; an unknown id answers 404 with the
 * service's error body (`ItemNotFound`), throttling 429 with `Retry-After`.
 */
const TOKEN = 'token-from-the-managed-identity';
const GROUP = 'orders-group';
const SCHEMA_IDS: Record<SchemaVersion, string> = {
  1: '3b9f5f7a0c2e4b1d9a8e6f4c2b0d1e3f',
  2: '7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f',
};
const THROTTLED_ID = 'a0000000000000000000000000000429';
const MINUTE = Date.UTC(2026, 10, 21, 12, 0, 0);

function startFakeRegistry(): Promise<{ server: Server; endpoint: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://registry');
    requests.push(`${request.method} ${url.pathname}?${url.searchParams}`);
    const id = /^\/\$schemaGroups\/\$schemas\/([^/]+)$/.exec(url.pathname)?.[1];
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"error":{"code":"Unauthorized"}}');
    } else if (id === THROTTLED_ID) {
      response.writeHead(429, { 'retry-after': '1' }).end();
    } else if (id === SCHEMA_IDS[1] || id === SCHEMA_IDS[2]) {
      const version = id === SCHEMA_IDS[1] ? 1 : 2;
      response
        .writeHead(200, {
          'content-type': 'application/json;serialization=Avro',
          'schema-id': id,
          'schema-id-location': `https://contoso.servicebus.windows.net:443/$schemagroups/$schemas/${id}?api-version=2023-07-01`,
          'schema-group-name': GROUP,
          'schema-name': 'shop.Order',
          'schema-version': String(version),
        })
        .end(orderAvroSchema(version));
    } else {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'ItemNotFound', message: `Schema id ${id} does not exist.` } }));
    }
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      done({ server, endpoint: `http://127.0.0.1:${port}`, requests });
    }),
  );
}

describe('Azure ingestion of Azure Schema Registry records (a local server answering as the REST API does)', () => {
  let registry: Awaited<ReturnType<typeof startFakeRegistry>>;

  beforeAll(async () => {
    registry = await startFakeRegistry();
  });

  afterAll(async () => {
    await new Promise((done) => registry.server.close(done));
  });

  async function harness(topic: TopicConfig) {
    let now = MINUTE + 30_000;
    const context: CaptureContext = {
      topic,
      store: await freshFsStore(),
      clock: () => now,
      decoder: registryDecoderFor(topic, { azureToken: async () => TOKEN, azureEndpoint: registry.endpoint }),
    };
    return {
      context,
      seal: async () => {
        now = MINUTE + 10 * 60_000;
        await createSealTimerHandler(async () => context)(null, localInvocation('seal-timer', {}, null));
      },
    };
  }

  const azureTopic = (source: 'eventhub' | 'kafka') =>
    topicSchema.parse({
      name: 'orders',
      source,
      jsonl: { envelope: true },
      registry: {
        kind: 'azure',
        fullyQualifiedNamespace: 'contoso.servicebus.windows.net',
        keepRawBytes: true,
      },
    });

  const produced = [
    ...orders('azure', 4, 1).map((order) => ({ order, version: 1 as const })),
    ...orders('azure', 4, 2).map((order) => ({ order, version: 2 as const })),
  ];
  /** What Azure's Avro serializer sends: the plain Avro payload, the schema id in the content type. */
  const payloadOf = (order: (typeof produced)[number]['order'], version: SchemaVersion) =>
    avro.Type.forSchema(JSON.parse(orderAvroSchema(version))).toBuffer(avroOrderValue(order, version));

  it('decodes Event Hubs events by the schema id in their content type, keeping the raw bytes beside', async () => {
    // Prepare
    const { context, seal } = await harness(azureTopic('eventhub'));
    const events: PartitionEvent[] = produced.map(({ order, version }, index) => ({
      sequenceNumber: index,
      offset: index * 100,
      enqueuedTimeMs: MINUTE + index,
      partitionKey: order.id,
      body: payloadOf(order, version),
      properties: {},
      contentType: `avro/binary+${SCHEMA_IDS[version]}`,
    }));
    events.push({
      ...(events[0] as PartitionEvent),
      sequenceNumber: 8,
      contentType: 'avro/binary+ffffffffffffffffffffffffffffffff',
    });
    events.push({ ...(events[0] as PartitionEvent), sequenceNumber: 9, contentType: undefined });
    const delivery = eventHubsDelivery(
      { eventHubName: 'orders', consumerGroup: '$Default', partitionId: '0' },
      events,
    );

    // Act
    await createEventhubIngestHandler(async () => context)(
      delivery.messages,
      localInvocation('eventhub-ingest', delivery.triggerMetadata, null),
    );
    await seal();

    // Assess
    const lines = (await readLines(context.store.objects, 'raw/')).map(
      ({ value }) => value as Record<string, unknown>,
    );
    expect(lines).toHaveLength(produced.length);
    for (const [index, { order, version }] of produced.entries()) {
      expect(lines[index]).toMatchObject({
        schema: {
          registry: 'azure',
          id: SCHEMA_IDS[version],
          format: 'avro',
          subject: `${GROUP}/shop.Order`,
          version,
        },
        body: expectedAvroJson(order, version),
        bodyBase64: payloadOf(order, version).toString('base64'),
      });
    }
    const reasons = (await readLines(context.store.objects, 'deadletter/')).map(
      ({ value }) => (value as { reason: string }).reason,
    );
    expect(reasons).toEqual(['unknown-schema', 'not-framed']);
    expect(registry.requests.filter((request) => request.includes(SCHEMA_IDS[1]))).toEqual([
      `GET /$schemaGroups/$schemas/${SCHEMA_IDS[1]}?api-version=2023-07-01`,
    ]);
  });

  it("decodes Kafka records sent to Event Hubs' Kafka endpoint by their content-type header", async () => {
    // Prepare
    const { context, seal } = await harness(azureTopic('kafka'));
    const { values, triggerMetadata } = azureKafkaEvents(
      'orders',
      produced.map(({ order, version }, offset) => ({
        partition: 0,
        offset,
        timestamp: MINUTE + offset,
        timestampType: 'CREATE_TIME',
        key: Buffer.from(order.id),
        value: payloadOf(order, version),
        headers: [{ name: 'content-type', value: Buffer.from(`avro/binary+${SCHEMA_IDS[version]}`) }],
      })),
    );

    // Act
    await createKafkaIngestHandler(async () => context)(
      values,
      localInvocation('kafka-ingest', triggerMetadata, null),
    );
    await seal();

    // Assess
    const lines = (await readLines(context.store.objects, 'raw/')).map(
      ({ value }) => value as { body: unknown },
    );
    expect(lines.map((line) => line.body)).toEqual(
      produced.map(({ order, version }) => expectedAvroJson(order, version)),
    );
  });

  it('fails the batch retriably, writing nothing, while the registry throttles', async () => {
    // Prepare
    const { context } = await harness(azureTopic('eventhub'));
    const [first] = produced;
    if (first === undefined) throw new Error('no order');
    const delivery = eventHubsDelivery(
      { eventHubName: 'orders', consumerGroup: '$Default', partitionId: '0' },
      [
        {
          sequenceNumber: 0,
          offset: 0,
          enqueuedTimeMs: MINUTE,
          partitionKey: null,
          body: payloadOf(first.order, 1),
          properties: {},
          contentType: `avro/binary+${THROTTLED_ID}`,
        },
      ],
    );

    // Act
    const act = createEventhubIngestHandler(async () => context)(
      delivery.messages,
      localInvocation('eventhub-ingest', delivery.triggerMetadata, null),
    );

    // Assess
    await expect(act).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(await context.store.objects.list('')).toEqual([]);
  });
});
