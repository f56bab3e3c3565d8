import { describe, expect, it } from 'vitest';
import { resolvePositions } from '../../../../local/cli/ledgerOperations.js';
import type { TopicConfig } from '../../../../shared/config/schema.js';
import { generationInPath } from '../../../../shared/paths/layoutPath.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { PositionsAmbiguousError } from '../../../../shared/pipeline/positions.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import type { CaptureRecord } from '../../../../shared/record.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { FRESH_STORES } from '../../../helpers/freshStores.js';
import { readLines } from '../../../helpers/lakeReader.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

/** Records of one partition at the given positions, a second apart from `time`, with distinct bodies. */
function records(
  positions: readonly number[],
  time: number,
  body: string,
  topic = 'orders',
): CaptureRecord[] {
  return positions.map((position, index) =>
    makeRecord({
      topic,
      deliveredTopic: topic,
      position,
      brokerTime: time + index * 1000,
      body: Buffer.from(JSON.stringify({ body, position })),
    }),
  );
}

/** Every captured line as (generation from the object's name, position, body), sorted. */
async function captured(store: CaptureStore): Promise<string[]> {
  const lines = await readLines(store.objects, 'raw/');
  return lines
    .map(({ path, value }) => {
      const line = value as { position: number; body: { body: string } };
      return `g${generationInPath(path)}:${line.position}:${line.body.body}`;
    })
    .sort();
}

function capture(store: CaptureStore, topic: TopicConfig) {
  let now = T0;
  const context: CaptureContext = { topic, store, clock: () => now };
  return {
    context,
    deliver: (batch: readonly CaptureRecord[], at: number) => {
      now = at;
      return ingestBatch(context, batch);
    },
    drain: async () => {
      now += 2 * HOUR;
      await sealIdlePartitions(context);
    },
  };
}

const expected = (generation: number, positions: readonly number[], body: string) =>
  positions.map((position) => `g${generation}:${position}:${body}`);

describe.each(FRESH_STORES)('Positions that start over, on %s', (_name, freshStore) => {
  const topic = topicConfig({ name: 'orders', source: 'kafka', jsonl: { envelope: true } });

  it('captures a recreated topic (offsets from 0 again, newer broker times) into a new generation, and says so', async () => {
    // Prepare: offsets 100 to 102, then, an hour later, the topic deleted and created again
    const run = capture(await freshStore(), topic);
    await run.deliver(records([100, 101, 102], T0, 'old'), T0 + 5_000);

    // Act
    const summary = await run.deliver(records([0, 1, 2], T0 + HOUR, 'new'), T0 + HOUR + 5_000);
    await run.drain();

    // Assess: every record of both generations once; the restart named with the old and new positions
    expect(await captured(run.context.store)).toEqual(
      [...expected(0, [100, 101, 102], 'old'), ...expected(1, [0, 1, 2], 'new')].sort(),
    );
    expect(summary.redelivered).toBe(0);
    expect(summary.positionRestarts).toEqual([
      expect.objectContaining({
        partition: '0',
        kind: 'restart',
        previousGeneration: 0,
        generation: 1,
        previousStagedThrough: 102,
        firstPosition: 0,
      }),
    ]);
  });

  it('captures a recreated event hub (sequence numbers from 0 again) whose records repeat the old bodies', async () => {
    // Prepare: the same bodies sent again into a new hub: only the enqueued times tell
    const hub = topicConfig({ name: 'orders', source: 'eventhub', jsonl: { envelope: true } });
    const run = capture(await freshStore(), hub);
    const first = records([0, 1, 2, 3], T0, 'same').map(({ deliveredTopic: _, ...record }) => record);
    await run.deliver(first, T0 + 5_000);

    // Act
    const again = records([0, 1, 2], T0 + HOUR, 'same').map(({ deliveredTopic: _, ...record }) => record);
    const summary = await run.deliver(again, T0 + HOUR + 5_000);
    await run.drain();

    // Assess
    expect(await captured(run.context.store)).toEqual(
      [...expected(0, [0, 1, 2, 3], 'same'), ...expected(1, [0, 1, 2], 'same')].sort(),
    );
    expect(summary.positionRestarts).toHaveLength(1);
  });

  it('captures a log truncated after an unclean leader election: old records redelivered, new ones at reused offsets', async () => {
    // Prepare: offsets 0 to 9 captured; the log then lost 6 to 9 and took new records there
    const run = capture(await freshStore(), topic);
    await run.deliver(records([0, 1, 2, 3, 4], T0, 'old'), T0 + 5_000);
    await run.deliver(records([5, 6, 7, 8, 9], T0 + 5_000, 'old'), T0 + 10_000);

    // Act: redelivered from the checkpoint at 5, the old 5 first, then the new 6 to 11
    const batch = [...records([5], T0 + 5_000, 'old'), ...records([6, 7, 8, 9, 10, 11], T0 + HOUR, 'new')];
    const summary = await run.deliver(batch, T0 + HOUR + 5_000);
    await run.drain();

    // Assess: the old 5 is not captured twice; the new records, reused offsets included, once each
    expect(await captured(run.context.store)).toEqual(
      [
        ...expected(0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'old'),
        ...expected(1, [6, 7, 8, 9, 10, 11], 'new'),
      ].sort(),
    );
    expect(summary.positionRestarts[0]).toMatchObject({ firstPosition: 6, previousStagedThrough: 9 });
  });

  it('skips what a consumer group moved back over, and captures what it moved forward to, each record once', async () => {
    // Prepare
    const run = capture(await freshStore(), topic);
    const all = records([0, 1, 2, 3, 4, 5, 6, 7], T0, 'log');
    await run.deliver(all.slice(0, 6), T0 + 10_000);

    // Act: reset backwards to 2 (records captured already), then forwards past a gap to 7
    const back = await run.deliver(all.slice(2, 6), T0 + 20_000);
    const forward = await run.deliver(all.slice(7), T0 + 30_000);
    await run.drain();

    // Assess
    expect(back).toMatchObject({ redelivered: 4, positionRestarts: [] });
    expect(forward).toMatchObject({ redelivered: 0, positionRestarts: [] });
    expect(await captured(run.context.store)).toEqual(expected(0, [0, 1, 2, 3, 4, 5, 7], 'log').sort());
  });

  it('captures what lies below where the capture began when a group is reset to the earliest offset, and nothing twice', async () => {
    // Prepare: the capture began at offset 500 (a mapping starting at the latest offset)
    const run = capture(await freshStore(), topic);
    const log = records([497, 498, 499, 500, 501, 502], T0, 'log');
    await run.deliver(log.slice(3), T0 + 10_000);

    // Act: the group reset to the earliest offset the topic holds, 497
    const summary = await run.deliver(log, T0 + 20_000);
    await run.drain();

    // Assess: 497 to 499 in the new generation, 500 to 502 in the first only
    expect(summary.positionRestarts).toEqual([
      expect.objectContaining({ kind: 'backfill', firstPosition: 497 }),
    ]);
    expect(await captured(run.context.store)).toEqual(
      [...expected(0, [500, 501, 502], 'log'), ...expected(1, [497, 498, 499], 'log')].sort(),
    );
  });

  it('holds a partition whose positions went back without proof, until an operator says it is a restart', async () => {
    // Prepare: records without broker times (a producer that sets none) from 500, then from 0
    const run = capture(await freshStore(), topic);
    const timeless = (positions: number[], body: string) =>
      records(positions, T0, body).map((record) => ({ ...record, brokerTime: Number.NaN }));
    await run.deliver(timeless([500, 501], 'old'), T0 + 10_000);

    // Act
    const held = run.deliver(timeless([0, 1], 'new'), T0 + 20_000);

    // Assess: held with the command; after the operator's answer, the same batch is captured
    await expect(held).rejects.toThrow(PositionsAmbiguousError);
    await expect(held).rejects.toThrow(
      'npm run invoke -- resolve-positions --topic orders --partition 0 --as restart',
    );
    await resolvePositions(run.context, '0', 'restart');
    await run.deliver(timeless([0, 1], 'new'), T0 + 30_000);
    await run.drain();
    expect(await captured(run.context.store)).toEqual(
      [...expected(0, [500, 501], 'old'), ...expected(1, [0, 1], 'new')].sort(),
    );
  });
});
