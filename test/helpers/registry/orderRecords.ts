import { create } from '@bufbuild/protobuf';
import {
  AvroSerializer,
  type ClientConfig,
  ProtobufSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import {
  CONFLUENT_DECIMAL_IMPORT,
  CONFLUENT_DECIMAL_PROTO,
  orderAvroSchema,
  orderProtoRegistry,
  orderProtoSchema,
  type SchemaVersion,
} from './orderSchemas.js';

/** One order as the test writes it down, before either format's producer encodes it. */
export interface Order {
  readonly id: string;
  readonly customer: { readonly name: string; readonly tier: 'BASIC' | 'GOLD' };
  readonly status: 'NEW' | 'PAID' | 'SHIPPED';
  readonly createdAtMs: number;
  /** Exact decimal text with two digits after the point (the schemas' scale). */
  readonly amount: string;
  readonly note?: string;
  readonly quantity: number;
  readonly channel?: string;
}

const SCALE = 2;
const TIERS = ['BASIC', 'GOLD'] as const;
const STATUSES = ['NEW', 'PAID', 'SHIPPED'] as const;
const AMOUNTS = ['12.34', '-0.05', '0.00', '98765432.10', '-12345.67', '1.00'];

/** Varied orders: every enum symbol, negative and zero decimals, notes on some, `channel` on version 2. */
export function orders(prefix: string, count: number, version: SchemaVersion): Order[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-v${version}-${index}`,
    customer: { name: `customer ${index % 7}`, tier: TIERS[index % TIERS.length] ?? 'BASIC' },
    status: STATUSES[index % STATUSES.length] ?? 'NEW',
    createdAtMs: Date.UTC(2026, 10, 21, 12, 0, 0) + index * 1_234 + (index % 3),
    amount: AMOUNTS[index % AMOUNTS.length] ?? '0.00',
    ...(index % 2 === 0 ? { note: `note ${index} ✓` } : {}),
    quantity: index * 1_000_003,
    ...(version === 2 ? { channel: index % 2 === 0 ? 'web' : 'store' } : {}),
  }));
}

/** The decimal's unscaled value as big-endian two's complement, in as few bytes as hold it. */
function unscaledBytes(amount: string): Buffer {
  const unscaled = BigInt(amount.replace('.', ''));
  let length = 1;
  while (unscaled >= 1n << BigInt(length * 8 - 1) || unscaled < -(1n << BigInt(length * 8 - 1))) length += 1;
  let rest = unscaled < 0n ? (1n << BigInt(length * 8)) + unscaled : unscaled;
  const bytes = Buffer.alloc(length);
  for (let index = length - 1; index >= 0; index -= 1) {
    bytes[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/** An order as an Avro producer hands it to its encoder: the logical types' underlying values. */
export function avroOrderValue(order: Order, version: SchemaVersion): Record<string, unknown> {
  return {
    id: order.id,
    customer: order.customer,
    status: order.status,
    createdAt: order.createdAtMs,
    amount: unscaledBytes(order.amount),
    note: order.note ?? null,
    quantity: order.quantity,
    ...(version === 2 ? { channel: order.channel ?? null } : {}),
  };
}

/** What the lake's JSON line of an Avro order must be: times as ISO text, decimals as exact text, no note as null. */
export function expectedAvroJson(order: Order, version: SchemaVersion): Record<string, unknown> {
  return {
    id: order.id,
    customer: order.customer,
    status: order.status,
    createdAt: new Date(order.createdAtMs).toISOString(),
    amount: order.amount,
    note: order.note ?? null,
    quantity: order.quantity,
    ...(version === 2 ? { channel: order.channel ?? null } : {}),
  };
}

/** The Protobuf line: field names as in the schema, an unset optional left out, a scalar's default written. */
export function expectedProtobufJson(order: Order, version: SchemaVersion): Record<string, unknown> {
  return {
    id: order.id,
    customer: order.customer,
    status: order.status,
    created_at: new Date(order.createdAtMs).toISOString(),
    amount: order.amount,
    ...(order.note === undefined ? {} : { note: order.note }),
    quantity: order.quantity,
    ...(version === 2 ? { channel: order.channel ?? '' } : {}),
  };
}

/** A UTC time as Python's `datetime.isoformat()` writes it, which is how the table readers send timestamps. */
function pythonIsoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const millis = iso.slice(20, 23);
  return `${iso.slice(0, 19)}${millis === '000' ? '' : `.${millis}000`}+00:00`;
}

/**
 * An order's row in the compacted table as delta-rs reads it: the body's fields as typed columns
 * (the time a timestamp, Avro's amount a decimal, Protobuf's its exact text), a field the row's
 * schema version lacks or an unset optional null.
 */
export function expectedTableRow(
  format: OrderFormat,
  order: Order,
  version: SchemaVersion,
): Record<string, unknown> {
  const body = format === 'avro' ? expectedAvroJson(order, version) : expectedProtobufJson(order, version);
  const createdAt = format === 'avro' ? 'createdAt' : 'created_at';
  return {
    note: null,
    channel: null,
    ...body,
    [createdAt]: pythonIsoTime(order.createdAtMs),
  };
}

export type OrderFormat = 'avro' | 'protobuf';

/** The ids a subject's two versions were registered under. */
export interface RegisteredVersions {
  readonly 1: number;
  readonly 2: number;
}

/**
 * Registers both versions of the order schema under `<topic>-value` as a producer's build would
 * (Protobuf with Confluent's decimal as a registered reference), and returns Confluent's own
 * serializers for each version: the framing, message indexes and encoding are theirs, not ours.
 */
export async function registerOrderSchemas(
  registryUrl: string,
  topic: string,
  format: OrderFormat,
): Promise<{
  ids: RegisteredVersions;
  serialize: (order: Order, version: SchemaVersion) => Promise<Buffer>;
}> {
  const config: ClientConfig = { baseURLs: [registryUrl] };
  const client = new SchemaRegistryClient(config);
  const subject = `${topic}-value`;
  if (format === 'avro') {
    const ids = {
      1: await client.register(subject, { schemaType: 'AVRO', schema: orderAvroSchema(1) }),
      2: await client.register(subject, { schemaType: 'AVRO', schema: orderAvroSchema(2) }),
    };
    const serializers = {
      1: new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: ids[1] }),
      2: new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: ids[2] }),
    };
    return {
      ids,
      serialize: (order, version) => serializers[version].serialize(topic, avroOrderValue(order, version)),
    };
  }
  const decimalSubject = CONFLUENT_DECIMAL_IMPORT;
  await client.register(decimalSubject, { schemaType: 'PROTOBUF', schema: CONFLUENT_DECIMAL_PROTO });
  const references = [{ name: CONFLUENT_DECIMAL_IMPORT, subject: decimalSubject, version: 1 }];
  const ids = {
    1: await client.register(subject, { schemaType: 'PROTOBUF', schema: orderProtoSchema(1), references }),
    2: await client.register(subject, { schemaType: 'PROTOBUF', schema: orderProtoSchema(2), references }),
  };
  const registries = { 1: orderProtoRegistry(1), 2: orderProtoRegistry(2) };
  const serializers = {
    1: new ProtobufSerializer(client, SerdeType.VALUE, { useSchemaId: ids[1], registry: registries[1] }),
    2: new ProtobufSerializer(client, SerdeType.VALUE, { useSchemaId: ids[2], registry: registries[2] }),
  };
  return {
    ids,
    serialize: (order, version) => {
      const orderType = registries[version].getMessage('shop.Order');
      if (orderType === undefined) throw new Error('shop.Order is missing from the descriptor');
      const seconds = Math.floor(order.createdAtMs / 1000);
      return serializers[version].serialize(
        topic,
        create(orderType, {
          id: order.id,
          customer: { name: order.customer.name, tier: TIERS.indexOf(order.customer.tier) },
          status: STATUSES.indexOf(order.status) + 1,
          createdAt: { seconds: BigInt(seconds), nanos: (order.createdAtMs - seconds * 1000) * 1_000_000 },
          amount: { value: unscaledBytes(order.amount), precision: 12, scale: SCALE },
          ...(order.note === undefined ? {} : { note: order.note }),
          quantity: BigInt(order.quantity),
          ...(version === 2 ? { channel: order.channel ?? '' } : {}),
        }),
      );
    },
  };
}
