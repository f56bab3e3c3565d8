import { describe, expect, it } from 'vitest';
import { hourOf } from '../../../../shared/compaction/hours.js';
import { oldestRawHour } from '../../../../shared/compaction/oldestRawHour.js';
import { probeObject } from '../../../../shared/compaction/rawObjects.js';
import type { TopicConfigInput } from '../../../../shared/config/schema.js';
import type { ObjectKind } from '../../../../shared/coordinates.js';
import { objectPathOf } from '../../../../shared/paths/lakePaths.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { minuteOf } from '../../../../shared/time.js';
import { topicConfig } from '../../../helpers/factories.js';
import { FRESH_STORES } from '../../../helpers/freshStores.js';

const LAYOUTS: [string, Partial<TopicConfigInput>][] = [
  ['the default template', {}],
  ['hive', { layout: 'hive' }],
  ['kafka-connect', { layout: 'kafka-connect' }],
  ['capture', { layout: 'capture', format: 'avro-capture', capture: { namespace: 'ns' } }],
  ['a template with the partition first', { layout: 'p{partition}/{topic}/{yyyy}-{MM}-{dd}/{HH}/{mm}' }],
  ['a template that repeats its tokens', { layout: '{topic}/{yyyy}/{yyyy}{MM}{dd}/{HH}/{HH}{mm}' }],
];

/** Publishes an object where the layout puts the minute of `time` of the partition. */
async function publishAt(
  store: CaptureStore,
  overrides: Partial<TopicConfigInput>,
  partition: string,
  time: number,
  { kind = 'data', late = false }: { kind?: ObjectKind; late?: boolean } = {},
) {
  const topic = topicConfig(overrides);
  const path = objectPathOf(topic, partition)({ ...probeObject(topic, kind, minuteOf(time), 7), late });
  const staged = `_staging/oldest/${Math.random().toString(36).slice(2)}`;
  await store.objects.stage(staged, Buffer.from('{}\n'));
  await store.objects.publish(path, [staged]);
}

describe.each(FRESH_STORES)('Function: oldestRawHour on %s', (_name, freshStore) => {
  it.each(LAYOUTS)(
    'finds the oldest hour of the partitions in %s names, and nothing of other topics or dead letters',
    async (_layout, overrides) => {
      // Prepare: partition 1's late object is the oldest; older ones belong to another topic, a dead
      // letter, and partitions outside the group (10 starts like 1)
      const store = await freshStore();
      await publishAt(store, overrides, '0', Date.UTC(2025, 2, 4, 5, 6));
      await publishAt(store, overrides, '1', Date.UTC(2024, 2, 1, 0, 0));
      await publishAt(store, overrides, '1', Date.UTC(2024, 1, 29, 23, 59), { late: true });
      await publishAt(store, overrides, '0', Date.UTC(2026, 0, 1, 0, 0));
      await publishAt(store, { ...overrides, name: 'other' }, '0', Date.UTC(2019, 0, 1, 0, 0));
      await publishAt(store, overrides, '0', Date.UTC(2020, 0, 1, 0, 0), { kind: 'deadletter' });
      await publishAt(store, overrides, '2', Date.UTC(2021, 0, 1, 0, 0));
      await publishAt(store, overrides, '10', Date.UTC(2022, 0, 1, 0, 0));

      // Act
      const oldest = await oldestRawHour(store.objects, topicConfig(overrides), ['0', '1']);

      // Assess
      expect(oldest).toBe(hourOf(Date.UTC(2024, 1, 29, 23, 0)));
    },
  );

  it('finds no hour in a lake without objects of the topic', async () => {
    const store = await freshStore();
    await publishAt(store, { name: 'other' }, '0', Date.UTC(2025, 0, 1, 0, 0));

    expect(await oldestRawHour(store.objects, topicConfig(), ['0'])).toBeNull();
  });
});
