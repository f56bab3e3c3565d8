import { eventHubsDelivery } from '../../local/platforms/azure/eventHubsDelivery.js';
import { canary } from './canaries.js';

/** Where the pipeline puts a body: a raw object, or a dead letter with this reason. */
export type Outcome = 'raw' | 'invalid-json' | 'not-utf8' | 'too-large' | 'empty-body';

export interface CanaryBody {
  readonly outcome: Outcome;
  readonly body: Buffer;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/**
 * One body for each way a record ends up in the lake (two good ones, then every poison the pipeline
 * dead-letters), each carrying a canary. `maxRecordBytes` is the topic's limit, which the too-large
 * body exceeds.
 */
export function canaryBodies(maxRecordBytes: number): CanaryBody[] {
  return [
    { outcome: 'raw', body: json({ note: canary('body-first'), amount: 12.5 }) },
    { outcome: 'invalid-json', body: Buffer.from(`{"note":"${canary('body-invalid-json')}"`) },
    {
      outcome: 'not-utf8',
      body: Buffer.concat([
        Buffer.from(`{"note":"${canary('body-not-utf8')}`),
        Buffer.from([0xff, 0x22, 0x7d]),
      ]),
    },
    { outcome: 'too-large', body: json({ note: canary('body-too-large'), pad: 'x'.repeat(maxRecordBytes) }) },
    { outcome: 'empty-body', body: Buffer.alloc(0) },
    { outcome: 'raw', body: json({ note: canary('body-last'), amount: 7 }) },
  ];
}

/** How many bodies of each dead-letter reason, as the invocation line counts them. */
export function deadLettersByReason(bodies: readonly CanaryBody[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of bodies) if (outcome !== 'raw') counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** An Event Hubs trigger batch of partition 0 whose partition keys and properties carry canaries too. */
export function eventHubsCanaryBatch(
  eventHubName: string,
  bodies: readonly CanaryBody[],
  firstTimeMs: number,
) {
  return eventHubsDelivery(
    { eventHubName, consumerGroup: '$Default', partitionId: '0' },
    bodies.map(({ body }, index) => ({
      sequenceNumber: index + 1,
      offset: (index + 1) * 100,
      enqueuedTimeMs: firstTimeMs + index,
      partitionKey: canary(`partition-key-${index}`),
      body,
      properties: {
        traceparent: canary(`property-${index}`),
        binary: Buffer.from(canary(`binary-property-${index}`)),
      },
    })),
  );
}

/** Azure Kafka trigger events (KafkaEventData): keys, values and header values carry canaries. */
export function azureKafkaCanaryEvents(topic: string, bodies: readonly CanaryBody[], firstTimeMs: number) {
  return bodies.map(({ body }, index) => ({
    Offset: index,
    Partition: 0,
    Topic: topic,
    Timestamp: new Date(firstTimeMs + index).toISOString(),
    Key: canary(`key-${index}`),
    Value: body.toString('utf8'),
    Headers: [{ Key: 'traceparent', Value: Buffer.from(canary(`header-${index}`)).toString('base64') }],
  }));
}

/** An MSK event source mapping's event: base64 keys and values, header values as byte arrays. */
export function lambdaKafkaCanaryEvent(topic: string, bodies: readonly CanaryBody[], firstTimeMs: number) {
  return {
    eventSource: 'aws:kafka',
    eventSourceArn:
      'arn:aws:kafka:eu-west-1:123456789012:cluster/lake/0b5ac5e2-6f1e-4a8b-9c55-2f3e4d5c6b7a-3',
    bootstrapServers: 'b-1.lake.abc123.c3.kafka.eu-west-1.amazonaws.com:9098',
    records: {
      [`${topic}-0`]: bodies.map(({ body }, index) => ({
        topic,
        partition: 0,
        offset: index,
        timestamp: firstTimeMs + index,
        timestampType: 'CREATE_TIME',
        key: Buffer.from(canary(`key-${index}`)).toString('base64'),
        value: body.toString('base64'),
        headers: [{ traceparent: [...Buffer.from(canary(`header-${index}`))] }],
      })),
    },
  };
}
