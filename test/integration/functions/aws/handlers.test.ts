import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIngestHandler } from '../../../../functions/aws/ingestHandler.js';
import { observabilityFor } from '../../../../functions/aws/observability.js';
import { topicFromLambdaEnvironment } from '../../../../functions/aws/runtime.js';
import { createSealTimerHandler } from '../../../../functions/aws/sealTimerHandler.js';
import { crashingStore, SimulatedCrash } from '../../../../local/faults/crashingStore.js';
import { localLambdaContext } from '../../../../local/platforms/aws/lambdaContext.js';
import { parseConfig } from '../../../../shared/config/load.js';
import { TransientStoreError } from '../../../../shared/errors.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { topicConfig } from '../../../helpers/factories.js';
import { FRESH_STORES, freshFsStore } from '../../../helpers/freshStores.js';
import { readLines } from '../../../helpers/lakeReader.js';

const fixture = (name: string) => JSON.parse(readFileSync(`samples/events/${name}`, 'utf8'));
const LATER = Date.UTC(2026, 10, 21, 12, 10, 0);

/** Everything the functions print (Powertools writes errors to stderr, other lines and metrics to stdout). */
function captureOutput() {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

function harness(store: CaptureStore, topicName: string, now: () => number) {
  const context: CaptureContext = {
    topic: topicConfig({ name: topicName, source: 'kafka', jsonl: { envelope: true } }),
    store,
    clock: now,
  };
  const observability = observabilityFor(topicName);
  return {
    ingest: (event: unknown) =>
      createIngestHandler(async () => context, observability)(
        event,
        localLambdaContext(`capture-${topicName}-ingest`),
      ),
    seal: () =>
      createSealTimerHandler(async () => context, observability)(
        {},
        localLambdaContext(`capture-${topicName}-seal`),
      ),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(FRESH_STORES)('AWS Lambda functions on the %s store', (_name, makeStore) => {
  it('captures an MSK batch: every record once in its minute object, keys and headers in the envelope', async () => {
    const store = await makeStore();
    captureOutput();
    let now = Date.UTC(2026, 10, 21, 12, 1, 30);
    const functions = harness(store, 'payments', () => now);

    await functions.ingest(fixture('msk-event.json'));
    await functions.ingest(fixture('msk-event.json')); // a redelivery changes nothing
    now = LATER;
    await functions.seal();

    const envelopes = (await readLines(store.objects, 'raw/payments/')).map(
      ({ value }) => value as { partition: string; offset: string; key: string; body: unknown },
    );
    expect(envelopes.map((line) => `${line.partition}:${line.offset}`).sort()).toEqual([
      '0:1041',
      '0:1042',
      '0:1043',
      '3:88',
    ]);
    const first = envelopes.find((line) => line.offset === '1041');
    expect(first?.key).toBe('customer-17');
    expect(first?.body).toMatchObject({ paymentId: 'p-1041' });
    expect(await store.objects.list('raw/payments/2026/11/21/12/01/')).toHaveLength(1);
  });
});

describe('AWS Lambda functions: logs, metrics and failures', () => {
  it('logs one structured line per invocation and publishes the figures as embedded metrics', async () => {
    const store = await freshFsStore();
    const functions = harness(store, 'telemetry', () => LATER);
    const output = captureOutput();

    await functions.ingest(fixture('self-managed-kafka-event.json'));

    const printed = output();
    const invocation = printed.find((line) => line.message === 'capture.invocation');
    expect(invocation).toMatchObject({
      service: 'capture-telemetry',
      function: 'aws-ingest',
      topic: 'telemetry',
      records: 3,
      function_name: 'capture-telemetry-ingest',
      byPartition: [expect.objectContaining({ partition: '2', records: 3 })],
    });
    const emf = printed.find((line) => line._aws !== undefined) as {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
      [name: string]: unknown;
    };
    expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe('StreamCapture');
    expect(emf._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'topic']]);
    expect(emf).toMatchObject({ service: 'capture-telemetry', topic: 'telemetry', Records: 3 });
    // No record body reaches the logs.
    expect(JSON.stringify(printed)).not.toContain('device-a');
  });

  it('throws on a storage failure so the mapping retries the batch, and logs that nothing is lost', async () => {
    const store = crashingStore(await freshFsStore(), 0);
    const functions = harness(store, 'payments', () => LATER);
    const output = captureOutput();

    await expect(functions.ingest(fixture('msk-event.json'))).rejects.toBeInstanceOf(SimulatedCrash);

    const printed = output();
    expect(printed.find((line) => line.message === 'capture.failure')).toMatchObject({
      level: 'ERROR',
      retriable: true,
      topic: 'payments',
    });
    expect(printed.find((line) => line._aws !== undefined)).toMatchObject({ Failures: 1 });
  });

  it('rejects an event that is not a Kafka event with a message that says which mapping it expects', async () => {
    const functions = harness(await freshFsStore(), 'payments', () => LATER);
    captureOutput();

    await expect(functions.ingest({ Records: [{ eventSource: 'aws:sqs' }] })).rejects.toThrow(
      /MSK or self-managed Kafka event source mapping/,
    );
  });
});

describe('AWS Lambda functions: positions that start over', () => {
  /** An MSK event of partition 0 with these offsets, each record a second after `time`. */
  const mskEvent = (offsets: readonly number[], time: number) => ({
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/lake/abc-1',
    bootstrapServers: 'b-1.lake.kafka.eu-west-1.amazonaws.com:9098',
    records: {
      'payments-0': offsets.map((offset, index) => ({
        topic: 'payments',
        partition: 0,
        offset,
        timestamp: time + index * 1000,
        timestampType: 'CREATE_TIME',
        value: Buffer.from(JSON.stringify({ offset, time })).toString('base64'),
        headers: [],
      })),
    },
  });

  it('logs capture.positions-restarted and counts it when the topic was recreated, even if sealing fails next', async () => {
    // Prepare: offsets 100 to 102, then offsets 0 to 2 an hour later, into a store whose publishing fails
    const store = await freshFsStore();
    const failingPublish: CaptureStore = {
      ...store,
      objects: {
        ...store.objects,
        publish: async () => {
          throw new TransientStoreError('injected: publishing fails');
        },
      },
    };
    let now = Date.UTC(2026, 10, 21, 12, 0, 30);
    const output = captureOutput();
    await harness(store, 'payments', () => now).ingest(mskEvent([100, 101, 102], now - 20_000));
    now += 3_600_000;

    // Act
    const ingesting = harness(failingPublish, 'payments', () => now).ingest(
      mskEvent([0, 1, 2], now - 20_000),
    );

    // Assess: the batch fails (sealing the old generation's minute), the restart is told all the same
    await expect(ingesting).rejects.toThrow('injected: publishing fails');
    const lines = output();
    expect(lines.filter((line) => line.message === 'capture.positions-restarted')).toEqual([
      expect.objectContaining({
        topic: 'payments',
        partition: '0',
        kind: 'restart',
        previousGeneration: 0,
        generation: 1,
        previousStagedThrough: 102,
        firstPosition: 0,
      }),
    ]);
    const metrics = lines.filter((line) => line._aws !== undefined);
    expect(metrics.some((line) => line.PositionRestarts === 1)).toBe(true);
  });
});

describe('AWS Lambda runtime config', () => {
  const entry = {
    name: 'payments',
    source: 'kafka',
    platform: 'aws',
    consumerGroup: 'capture-payments',
    aws: { msk: { clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/lake/abc-1' } },
  };

  it('reads and re-validates the topic entry the stack put in the environment', () => {
    const topic = topicFromLambdaEnvironment({ CAPTURE_TOPIC_CONFIG: JSON.stringify(entry) });
    expect(topic).toEqual(parseConfig({ topics: [entry] }, 'test').topics[0]);
  });

  it('fails at init with the field that is wrong', () => {
    expect(() =>
      topicFromLambdaEnvironment({ CAPTURE_TOPIC_CONFIG: JSON.stringify({ ...entry, compression: 'lz4' }) }),
    ).toThrow(/CAPTURE_TOPIC_CONFIG: topic "payments" \(topics\[0\]\), field compression/);
    expect(() => topicFromLambdaEnvironment({})).toThrow(/CAPTURE_TOPIC_CONFIG is not set/);
  });
});
