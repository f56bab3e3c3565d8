import { describe, expect, it } from 'vitest';
import type { TopicConfigInput } from '../../../../shared/config/schema.js';
import { decompressObject } from '../../../../shared/encode/decompress.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { freshFsStore } from '../../../helpers/freshStores.js';
import { readLines } from '../../../helpers/lakeReader.js';

const AT = Date.UTC(2026, 10, 21, 12, 0, 10);
const BODIES = [
  Buffer.from('plain text'),
  Buffer.from([0x00, 0xff, 0x0d]),
  Buffer.alloc(0),
  Buffer.from('two\nlines'),
];

/** Two invocations stage a segment each for one minute; the timer seals it. Returns the raw objects and dead letters. */
async function capture(overrides: Partial<TopicConfigInput>) {
  const store = await freshFsStore();
  let now = AT;
  const context = { topic: topicConfig({ format: 'raw', ...overrides }), store, clock: () => now };
  const records = BODIES.map((body, position) => makeRecord({ position, brokerTime: AT + position, body }));
  await ingestBatch(context, records.slice(0, 2));
  await ingestBatch(context, records.slice(2));
  now += 10 * 60_000;
  await sealIdlePartitions(context);
  const paths = await store.objects.list('raw');
  const objects = await Promise.all(
    paths.map(async (path) => ({ path, bytes: decompressObject(path, await store.objects.read(path)) })),
  );
  return { objects, deadLetters: await readLines(store.objects, 'deadletter') };
}

describe('Format: raw', () => {
  it('writes newline-delimited bodies as they came and dead-letters the one with a line feed', async () => {
    // Act
    const { objects, deadLetters } = await capture({ compression: 'zstd' });

    // Assess
    expect(objects.map((object) => object.path)).toEqual([
      'raw/orders/2026/11/21/12/00/0-00000000000000000000.raw.zst',
    ]);
    expect(objects[0]?.bytes).toEqual(
      Buffer.concat([BODIES[0], Buffer.from('\n'), BODIES[1], Buffer.from('\n\n')] as Buffer[]),
    );
    expect(deadLetters.map(({ path, value }) => [path, (value as { reason: string }).reason])).toEqual([
      ['deadletter/orders/2026/11/21/12/00/0-00000000000000000003.jsonl.zst', 'contains-newline'],
    ]);
  });

  it('writes every body after its 4-byte big-endian length when length-prefixed', async () => {
    // Act
    const { objects, deadLetters } = await capture({
      compression: 'gzip',
      raw: { delimiter: 'length-prefixed' },
    });

    // Assess
    expect(objects.map((object) => object.path)).toEqual([
      'raw/orders/2026/11/21/12/00/0-00000000000000000000.rawlp.gz',
    ]);
    const bodies: Buffer[] = [];
    for (let offset = 0, bytes = objects[0]?.bytes ?? Buffer.alloc(0); offset < bytes.length; ) {
      const length = bytes.readUInt32BE(offset);
      bodies.push(bytes.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    expect(bodies).toEqual(BODIES);
    expect(deadLetters).toEqual([]);
  });
});
