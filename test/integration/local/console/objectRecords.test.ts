import { describe, expect, it } from 'vitest';
import { decodeObject } from '../../../../local/console/objectRecords.js';
import type { TopicConfigInput } from '../../../../shared/config/schema.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { freshFsStore } from '../../../helpers/freshStores.js';

const MINUTE = Date.UTC(2026, 10, 21, 12, 0);
const BODIES = ['{"n":0}', '{"n":1}', '{"n":2,"text":"ünïcödé"}'];

describe('Console: the first records of a sealed object, in every format the product writes', () => {
  it.each<[string, Partial<TopicConfigInput>, (body: string) => string]>([
    ['JSON lines, gzip', { compression: 'gzip' }, (body) => body],
    ['JSON lines, zstd, several segments', { compression: 'zstd' }, (body) => body],
    ['raw lines, none', { format: 'raw', compression: 'none' }, (body) => body],
    ['raw, length-prefixed, gzip', { format: 'raw', raw: { delimiter: 'length-prefixed' } }, (body) => body],
    [
      'Capture Avro, deflate',
      { format: 'avro-capture', compression: 'gzip' },
      (body) => `"Body":${JSON.stringify(body)}`,
    ],
    [
      'Capture Avro, null codec',
      { format: 'avro-capture', compression: 'none' },
      (body) => `"Body":${JSON.stringify(body)}`,
    ],
  ])('decodes %s', async (_, overrides, shownAs) => {
    // Prepare: one record per batch, so zstd objects hold a frame per segment
    let now = MINUTE + 30_000;
    const context: CaptureContext = {
      topic: topicConfig(overrides),
      store: await freshFsStore(),
      clock: () => now,
    };
    for (const [position, body] of BODIES.entries())
      await ingestBatch(context, [
        makeRecord({ position, brokerTime: MINUTE + position, body: Buffer.from(body) }),
      ]);
    now += 5 * 60_000;
    await sealIdlePartitions(context);
    const [path] = await context.store.objects.list('raw/');
    if (path === undefined) throw new Error('nothing was sealed');

    // Act
    const decoded = decodeObject(path, await context.store.objects.read(path), 2);

    // Assess
    expect(decoded.records).toBe(3);
    expect(decoded.first).toHaveLength(2);
    decoded.first.forEach((text, index) => {
      expect(text).toContain(shownAs(BODIES[index] as string));
    });
  });
});
