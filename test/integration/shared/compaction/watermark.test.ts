import { describe, expect, it } from 'vitest';
import {
  CATCH_UP_HOURS,
  compactClosedHours,
  DEFAULT_MAX_HOURS,
} from '../../../../shared/compaction/compact.js';
import type { CompactionSummary } from '../../../../shared/compaction/compactionSummary.js';
import { LATE_LOOKBACK_HOURS } from '../../../../shared/compaction/lateMarkers.js';
import { tableRootOf } from '../../../../shared/compaction/tableLayout.js';
import { readWatermark } from '../../../../shared/compaction/watermark.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { parseCommit } from '../../../../shared/tables/delta/actions.js';
import { committedUnits, readCompactedRows } from '../../../helpers/compactedLake.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { freshFsStore } from '../../../helpers/freshStores.js';

const TOPIC = topicConfig({ jsonl: { envelope: true } });
const HOUR_MS = 3_600_000;
/** The first hour of the scenario: 2026-11-18 00:00 UTC. */
const START = Date.UTC(2026, 10, 18);
const hourAt = (hour: number, minute = 0) => START + hour * HOUR_MS + minute * 60_000;

/** A lake fed two records an hour (one per partition), its seal timer running every hour. */
function feed(store: CaptureStore) {
  let now = START;
  const context: CaptureContext = { topic: TOPIC, store, clock: () => now };
  let position = 0;
  return {
    context,
    at: (time: number) => {
      now = time;
    },
    async hourOfRecords(hour: number) {
      now = hourAt(hour, 5);
      const first = position;
      position += 1;
      await ingestBatch(context, [
        makeRecord({ partition: '0', position: first, brokerTime: hourAt(hour, 1) }),
        makeRecord({ partition: '1', position: first, brokerTime: hourAt(hour, 2) }),
      ]);
      now = hourAt(hour, 59);
      await sealIdlePartitions(context);
    },
    /** A record for a minute of `hour`, delivered now: a late object once that minute is sealed. */
    async lateRecord(hour: number) {
      const current = position++;
      await ingestBatch(context, [
        makeRecord({ partition: '0', position: current, brokerTime: hourAt(hour, 30) }),
      ]);
      await sealIdlePartitions(context);
    },
  };
}

/** The hour of each unit's commit, in the order of the table's versions. */
async function committedHoursInOrder(store: CaptureStore): Promise<string[]> {
  const root = tableRootOf(TOPIC.name);
  const hours: string[] = [];
  for (const path of await store.objects.list(`${root}_delta_log/`)) {
    if (!path.endsWith('.json')) continue;
    for (const action of parseCommit(await store.objects.read(path), path)) {
      if ('txn' in action) hours.push(action.txn.appId.split('/').at(-1) ?? '');
    }
  }
  return hours;
}

describe('Function: compactClosedHours after a compaction outage (watermark)', () => {
  it('commits every hour of a three-day outage, oldest first, at most maxHours a run, and reports the backlog', async () => {
    // Prepare: compaction runs every hour for the first six hours, then stops for three days
    const store = await freshFsStore();
    const lake = feed(store);
    for (let hour = 0; hour < 6; hour++) {
      await lake.hourOfRecords(hour);
      lake.at(hourAt(hour + 1, 10));
      await compactClosedHours(lake.context);
    }
    const outage = 72;
    for (let hour = 6; hour < 6 + outage; hour++) await lake.hourOfRecords(hour);

    // Act: compaction is back, one run an hour
    const runs: CompactionSummary[] = [];
    for (let hour = 6 + outage; runs.length === 0 || (runs.at(-1)?.hoursBehind ?? 0) > 0; hour++) {
      if (hour > 6 + outage + 10) throw new Error('compaction never caught up');
      await lake.hourOfRecords(hour);
      lake.at(hourAt(hour + 1, 10));
      runs.push(await compactClosedHours(lake.context));
    }

    // Assess: nothing older than the lookback was left behind, and the oldest came first
    const [first] = runs;
    expect(first).toMatchObject({
      hoursCompacted: DEFAULT_MAX_HOURS,
      hoursBehind: outage + 1 - DEFAULT_MAX_HOURS,
    });
    expect(outage).toBeGreaterThan(LATE_LOOKBACK_HOURS);
    expect(outage).toBeLessThanOrEqual(CATCH_UP_HOURS);
    const order = await committedHoursInOrder(store);
    expect(order).toEqual([...order].sort());
    const hours = (await committedUnits(store.objects, TOPIC.name)).map((unit) => unit.hour);
    const fed = runs.length + 6 + outage;
    expect(new Set(hours).size).toBe(fed);
    expect((await readCompactedRows(store.objects, TOPIC.name)).length).toBe(2 * fed);
    expect(runs.at(-1)).toMatchObject({ hoursBehind: 0, rawObjectsPending: 0 });
    expect(await readWatermark(store.objects, TOPIC.name, 'all')).toBe(hourAt(fed) / HOUR_MS);
  });

  it('commits the hours captured before compaction was deployed, from the oldest, beyond the lookback', async () => {
    // Prepare: five days of capture, with a gap of a day, and no compaction run yet
    const store = await freshFsStore();
    const lake = feed(store);
    const fed = [
      ...Array.from({ length: 48 }, (_, hour) => hour),
      ...Array.from({ length: 72 }, (_, hour) => 72 + hour),
    ];
    for (const hour of fed) await lake.hourOfRecords(hour);

    // Act: compaction is deployed, and runs every hour until it has caught up
    const runs: CompactionSummary[] = [];
    for (let hour = 144; runs.length === 0 || (runs.at(-1)?.hoursBehind ?? 0) > 0; hour++) {
      if (hour > 144 + 10) throw new Error('compaction never caught up');
      lake.at(hourAt(hour, 10));
      runs.push(await compactClosedHours(lake.context));
    }

    // Assess: every hour captured is in the table, oldest first, none twice
    expect(fed.length).toBeGreaterThan(LATE_LOOKBACK_HOURS);
    expect(runs[0]).toMatchObject({ hoursCompacted: DEFAULT_MAX_HOURS });
    const order = await committedHoursInOrder(store);
    expect(order).toEqual([...order].sort());
    expect(order[0]).toBe(new Date(hourAt(0)).toISOString());
    expect(new Set(order).size).toBe(fed.length);
    expect((await readCompactedRows(store.objects, TOPIC.name)).length).toBe(2 * fed.length);
  });

  it('commits a late object of an hour older than the lookback, through the marker its sealer left', async () => {
    // Prepare: hour 0 compacted long ago, then a record for it arrives two days later
    const store = await freshFsStore();
    const lake = feed(store);
    for (let hour = 0; hour < 48; hour++) {
      await lake.hourOfRecords(hour);
      lake.at(hourAt(hour + 1, 10));
      await compactClosedHours(lake.context);
    }
    lake.at(hourAt(48, 5));
    await lake.lateRecord(0);
    const markersBefore = await store.objects.list('_staging/compaction-late/');

    // Act
    lake.at(hourAt(48, 10));
    const summary = await compactClosedHours(lake.context);

    // Assess
    expect(markersBefore).toHaveLength(1);
    expect(summary).toMatchObject({ hoursCompacted: 1, rowsWritten: 1, lateHoursFound: 1, hoursBehind: 0 });
    const units = await committedUnits(store.objects, TOPIC.name);
    expect(
      units.filter((unit) => unit.hour === new Date(hourAt(0)).toISOString()).map((unit) => unit.sequence),
    ).toEqual([0, 1]);
    expect(await store.objects.list('_staging/compaction-late/')).toEqual([]);
  });
});
