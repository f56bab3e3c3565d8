import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureKafkaInstalled,
  type RunningKafkaBroker,
  startKafkaBroker,
} from '../../../local/emulators/kafkaBroker.js';
import { openLake } from '../../../local/emulators/openLake.js';
import {
  ensureSchemaRegistryInstalled,
  type RunningSchemaRegistry,
  startSchemaRegistry,
} from '../../../local/emulators/schemaRegistry.js';
import type { Platform } from '../../../local/platforms/kafka/triggerFunctions.js';
import { runKafkaSource } from '../../../local/sources/kafka/source.js';
import { compactClosedHours } from '../../../shared/compaction/compact.js';
import { tableRootOf } from '../../../shared/compaction/tableLayout.js';
import { type TopicConfig, topicSchema } from '../../../shared/config/schema.js';
import type { RecordDecoder } from '../../../shared/registry/recordDecoder.js';
import { registryDecoderFor } from '../../../shared/registry/registryDecoderFor.js';
import type { CaptureStore } from '../../../shared/store.js';
import { freshFsStore } from '../../helpers/freshStores.js';
import { readLines } from '../../helpers/lakeReader.js';
import { startTableReaders, type TableReaders } from '../../helpers/readers/tableReaders.js';
import { type ProducedRecord, produceToNewTopic } from '../../helpers/registry/kafkaTopic.js';
import {
  expectedAvroJson,
  expectedProtobufJson,
  expectedTableRow,
  type OrderFormat,
  orders,
  registerOrderSchemas,
} from '../../helpers/registry/orderRecords.js';
import {
  CONFLUENT_DECIMAL_PROTO,
  orderAvroSchema,
  orderProtoSchema,
  type SchemaVersion,
} from '../../helpers/registry/orderSchemas.js';

const ORDERS_PER_VERSION = 30;
/** Small trigger batches, so a run holds many invocations and an outage falls between two of them. */
const BATCH_RECORDS = 25;

interface Envelope {
  readonly partition: string;
  readonly position: number;
  readonly key: string | null;
  readonly schema?: unknown;
  readonly body: unknown;
}

interface DeadLetter {
  readonly reason: string;
  readonly key: string | null;
  readonly bodyBase64: string;
}

describe('Registry-framed Kafka records captured through a real registry (Apicurio) and a real broker', () => {
  let broker: RunningKafkaBroker;
  let registry: RunningSchemaRegistry;
  let registryDir: string;
  let readers: TableReaders;
  const folders: string[] = [];
  const scratch = async (prefix: string) => {
    const folder = await mkdtemp(join(tmpdir(), prefix));
    folders.push(folder);
    return folder;
  };

  // Only this file needs the registry, so only it starts one (CI installs it with tools:install).
  beforeAll(async () => {
    await Promise.all([ensureKafkaInstalled(), ensureSchemaRegistryInstalled()]);
    registryDir = await scratch('registry-');
    [broker, registry, readers] = await Promise.all([
      startKafkaBroker({ dataDir: await scratch('kafka-') }),
      // On a file, so that a restart on the same port still knows every id it gave out.
      startSchemaRegistry({ dataDir: registryDir }),
      // delta-rs only: no query here starts Spark.
      startTableReaders(),
    ]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([broker?.stop(), registry?.stop(), readers?.close()]);
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  const registryTopic = (name: string): TopicConfig =>
    topicSchema.parse({
      name,
      source: 'kafka',
      consumerGroup: `capture-${name}`,
      jsonl: { envelope: true },
      registry: { kind: 'confluent', url: registry.url },
    });

  /**
   * The local Kafka runner with the platform's event shape, drained into a fresh filesystem lake;
   * the store and the folder it lives in.
   */
  async function capture(
    platform: Platform,
    topic: TopicConfig,
    decoder?: RecordDecoder,
  ): Promise<{ store: CaptureStore; where: string }> {
    const lake = await openLake('fs');
    const { store } = lake;
    await runKafkaSource({
      brokers: [broker.bootstrap],
      platform,
      topic,
      store,
      logFile: join(await scratch('log-'), 'invocations.jsonl'),
      untilDrained: true,
      maxRecords: BATCH_RECORDS,
      retryBackoff: { firstDelayMs: 20, maxDelayMs: 200 },
      ...(decoder ? { decoder } : {}),
    });
    return { store, where: lake.where };
  }

  const expectedJson = (format: OrderFormat) => (format === 'avro' ? expectedAvroJson : expectedProtobufJson);

  it.each([
    ['avro', 'azure'],
    ['avro', 'aws'],
    ['protobuf', 'azure'],
    ['protobuf', 'aws'],
  ] as const)(
    'captures %s orders of schema versions 1 and 2 with the %s trigger shape: every line is the producer value; an unknown id and a garbage frame are dead letters; the compacted table is typed by the writer schemas',
    async (format, platform) => {
      // Prepare: both versions registered, records produced with Confluent's serializers
      const name = `orders-${format}-${platform}`;
      const topic = registryTopic(name);
      const { ids, serialize } = await registerOrderSchemas(registry.url, name, format);
      const produced: { order: ReturnType<typeof orders>[number]; version: SchemaVersion }[] = [
        ...orders(name, ORDERS_PER_VERSION, 1).map((order) => ({ order, version: 1 as const })),
        ...orders(name, ORDERS_PER_VERSION, 2).map((order) => ({ order, version: 2 as const })),
      ];
      const records: ProducedRecord[] = await Promise.all(
        produced.map(async ({ order, version }, index) => ({
          partition: index % 2,
          key: Buffer.from(order.id),
          value: await serialize(order, version),
        })),
      );
      const framedWithUnknownId = Buffer.concat([
        Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0]),
        Buffer.from('payload'),
      ]);
      const garbage = Buffer.from([0x7b, 0xff, 0x00, 0xc3, 0x28]);
      records.push(
        { partition: 0, key: Buffer.from('unknown-id'), value: framedWithUnknownId },
        { partition: 1, key: Buffer.from('garbage'), value: garbage },
      );
      await produceToNewTopic(broker.bootstrap, name, 2, records);
      const schemaRequests: string[] = [];
      const countingFetch: typeof fetch = (input, init) => {
        const match = /\/schemas\/ids\/(\d+)$/.exec(String(input));
        if (match?.[1]) schemaRequests.push(match[1]);
        return fetch(input, init);
      };

      // Act: capture, then compact every hour the records fell in (the runner sealed them)
      const { store, where } = await capture(
        platform,
        topic,
        registryDecoderFor(topic, { fetch: countingFetch }),
      );
      const later = Date.now() + 2 * 3_600_000;
      const compaction = await compactClosedHours({ topic, store, clock: () => later });

      // Assess: each order once, decoded to exactly what the producer wrote, with its writer schema
      const lines = (await readLines(store.objects, 'raw/')).map(({ value }) => value as Envelope);
      expect(lines).toHaveLength(produced.length);
      const byKey = new Map(lines.map((line) => [line.key, line]));
      for (const { order, version } of produced) {
        const line = byKey.get(order.id);
        expect(line?.body).toEqual(expectedJson(format)(order, version));
        expect(line?.schema).toEqual({
          registry: 'confluent',
          id: String(ids[version]),
          format,
          subject: `${name}-value`,
          version,
          // Protobuf: which message of the schema file the frame's indexes chose.
          ...(format === 'protobuf' ? { message: 'shop.Order' } : {}),
        });
      }
      const deadLetters = (await readLines(store.objects, 'deadletter/')).map(
        ({ value }) => value as DeadLetter,
      );
      expect(
        deadLetters.map(({ key, reason, bodyBase64 }) => ({ key, reason, bodyBase64 })).sort(byKeyText),
      ).toEqual([
        { key: 'garbage', reason: 'not-framed', bodyBase64: garbage.toString('base64') },
        { key: 'unknown-id', reason: 'unknown-schema', bodyBase64: framedWithUnknownId.toString('base64') },
      ]);
      // Each id was asked once, however many batches and records carried it.
      expect(schemaRequests.sort()).toEqual([String(ids[1]), String(ids[2]), String(0x7ffffff0)].sort());
      for (const version of [1, 2] as const) {
        const file = JSON.parse(
          (await store.objects.read(`_schemas/${name}/confluent-${ids[version]}.json`)).toString('utf8'),
        ) as {
          schema: string;
          subject: string;
          version: number;
          references: { name: string; schema: string }[];
        };
        expect(file).toMatchObject({ subject: `${name}-value`, version });
        expect(file.schema).toBe(format === 'avro' ? orderAvroSchema(version) : orderProtoSchema(version));
        expect(file.references.map((reference) => reference.schema)).toEqual(
          format === 'avro' ? [] : [CONFLUENT_DECIMAL_PROTO],
        );
      }
      // The table, as delta-rs reads it: columns typed by the writer schemas (a timestamp; Avro's
      // decimal a decimal, Protobuf's, whose scale comes with each value, exact text), version 2's
      // field null in version 1's rows, every order once
      expect(compaction).toMatchObject({ rowsWritten: produced.length, rescuedRows: 0 });
      const table = await readers.deltaRs(join(where, tableRootOf(name)));
      const createdAt = format === 'avro' ? 'createdAt' : 'created_at';
      expect(table.schema).toContain(`\n${createdAt}: timestamp[us, tz=UTC]`);
      expect(table.schema).toContain(format === 'avro' ? '\namount: decimal128(12, 2)' : '\namount: string');
      expect(table.schema).toContain('\ncustomer: struct<name: string, tier: string>');
      const rows = new Map(table.rows.map((row) => [row._key, row]));
      expect(rows.size).toBe(produced.length);
      for (const { order, version } of produced) {
        expect(rows.get(order.id)).toMatchObject(expectedTableRow(format, order, version));
      }
    },
    180_000,
  );

  it.each(['azure', 'aws'] as const)(
    'holds the partition while the registry is stopped mid-run with the %s trigger shape, then resumes: every record once, no dead letter',
    async (platform) => {
      // Prepare: version 1 records, then version 2 records, on one partition
      const name = `outage-${platform}`;
      const topic = registryTopic(name);
      const { ids, serialize } = await registerOrderSchemas(registry.url, name, 'avro');
      const produced = [
        ...orders(name, ORDERS_PER_VERSION, 1).map((order) => ({ order, version: 1 as const })),
        ...orders(name, ORDERS_PER_VERSION, 2).map((order) => ({ order, version: 2 as const })),
      ];
      const records = await Promise.all(
        produced.map(async ({ order, version }) => ({
          partition: 0,
          key: Buffer.from(order.id),
          value: await serialize(order, version),
        })),
      );
      await produceToNewTopic(broker.bootstrap, name, 1, records);
      const firstVersion2Offset = ORDERS_PER_VERSION;
      // The registry goes down the moment version 2's schema is first asked for, after version 1's
      // records were decoded, and comes back once that request has failed three times.
      const REFUSED_REQUESTS = 3;
      let refused = 0;
      let stagedWhileDown: number | undefined;
      const store = await freshFsStore();
      const outageFetch: typeof fetch = async (input, init) => {
        if (!String(input).endsWith(`/schemas/ids/${ids[2]}`) || refused === REFUSED_REQUESTS) {
          return fetch(input, init);
        }
        if (refused === 0) await registry.stop();
        refused += 1;
        try {
          return await fetch(input, init);
        } finally {
          if (refused === REFUSED_REQUESTS) {
            stagedWhileDown = (await store.ledger.read(name, '0')).state.stagedThrough;
            registry = await startSchemaRegistry({ port: registry.port, dataDir: registryDir });
          }
        }
      };
      const decoder = registryDecoderFor(topic, { fetch: outageFetch });

      // Act
      const captured = await runKafkaSource({
        brokers: [broker.bootstrap],
        platform,
        topic,
        store,
        logFile: join(await scratch('log-'), 'invocations.jsonl'),
        untilDrained: true,
        maxRecords: BATCH_RECORDS,
        retryBackoff: { firstDelayMs: 20, maxDelayMs: 200 },
        ...(decoder ? { decoder } : {}),
      });

      // Assess: the partition stopped before the first record of version 2 while the registry was
      // down, then every record was written once, decoded, and nothing was dead-lettered
      expect(refused).toBe(REFUSED_REQUESTS);
      expect(stagedWhileDown).toBeLessThan(firstVersion2Offset);
      const lines = (await readLines(store.objects, 'raw/')).map(({ value }) => value as Envelope);
      expect(lines.map((line) => line.position).sort((a, b) => a - b)).toEqual(
        produced.map((_, offset) => offset),
      );
      const byKey = new Map(lines.map((line) => [line.key, line]));
      for (const { order, version } of produced) {
        expect(byKey.get(order.id)?.body).toEqual(expectedAvroJson(order, version));
      }
      expect(await store.objects.list('deadletter/')).toEqual([]);
      expect(captured.deadLetters).toEqual({});
    },
    180_000,
  );

  it('keeps Kafka values that are not UTF-8 byte for byte with the Azure trigger shape', async () => {
    // Prepare: values no UTF-8 decoder leaves intact, and one that is text
    const name = 'binary-values-azure';
    const values = [
      Buffer.from([0xff, 0xfe, 0x00, 0x80]),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
      Buffer.from([0xed, 0xa0, 0x80, 0x0a, 0x00]),
      ...Array.from({ length: 40 }, (_, index) =>
        Buffer.from([index, 0x80 + (index % 64), 0xf8, 0x0d, 0x0a, index]),
      ),
      Buffer.from('plain text ✓', 'utf8'),
    ];
    await produceToNewTopic(
      broker.bootstrap,
      name,
      3,
      values.map((value, index) => ({ partition: index % 3, key: null, value })),
    );
    const topic = topicSchema.parse({
      name,
      source: 'kafka',
      consumerGroup: `capture-${name}`,
      format: 'raw',
      raw: { delimiter: 'length-prefixed' },
      compression: 'none',
    });

    // Act
    const { store } = await capture('azure', topic);

    // Assess
    const captured: string[] = [];
    for (const path of await store.objects.list('raw/')) {
      const object = await store.objects.read(path);
      for (let at = 0; at < object.length; ) {
        const length = object.readUInt32BE(at);
        captured.push(object.subarray(at + 4, at + 4 + length).toString('hex'));
        at += 4 + length;
      }
    }
    expect(captured.sort()).toEqual(values.map((value) => value.toString('hex')).sort());
  }, 120_000);
});

function byKeyText(a: { key: string | null }, b: { key: string | null }): number {
  return (a.key ?? '').localeCompare(b.key ?? '');
}
