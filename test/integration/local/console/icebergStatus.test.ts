import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactionStatusOf } from '../../../../local/console/compactionStatus.js';
import { lakePage } from '../../../../local/console/lakePage.js';
import { buildLakeView } from '../../../../local/console/lakeView.js';
import { readOnlyLakeOf } from '../../../../local/console/readOnlyLake.js';
import { type Lake, openLake } from '../../../../local/emulators/openLake.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import { hourOf } from '../../../../shared/compaction/hours.js';
import { pathCatalogTarget } from '../../../../shared/compaction/pathCatalogTarget.js';
import { STAGING_PREFIX } from '../../../../shared/paths/lakePaths.js';
import { topicConfig } from '../../../helpers/factories.js';
import { captureTwoHoursOfOrders } from '../../../helpers/twoHoursOfOrders.js';

const TOPIC = topicConfig({
  name: 'orders',
  jsonl: { envelope: true },
  compaction: { partitionsPerGroup: 1, table: 'iceberg' },
});
const HOURS = [Date.UTC(2026, 10, 21, 12), Date.UTC(2026, 10, 21, 13)].map(hourOf);

describe('Console: the compaction of an Iceberg topic', () => {
  let lake: Lake;
  beforeAll(async () => {
    lake = await openLake('fs');
    const { context } = await captureTwoHoursOfOrders(lake, TOPIC);
    const iceberg = await pathCatalogTarget(() => lake.lakeLocation)(context);
    // Hour 12 compacted by both partition groups; hour 13 still open at 13:30.
    for (const partition of ['0', '1']) {
      await compactClosedHours(
        { ...context, clock: () => Date.UTC(2026, 10, 21, 13, 30) },
        { iceberg, partitions: [partition] },
      );
    }
  });
  afterAll(async () => {
    await lake?.close();
  });

  it('shows the hours the table holds from its snapshots, the hour waiting, its schema and its units', async () => {
    // Act
    const status = await compactionStatusOf(readOnlyLakeOf(lake.direct).objects, TOPIC, HOURS);

    // Assess
    if (status.kind !== 'iceberg') throw new Error(`not an Iceberg status: ${JSON.stringify(status)}`);
    expect(status.version).toBeGreaterThanOrEqual(2);
    expect(status.committedHours).toEqual([
      { hour: '2026-11-21T12:00:00.000Z', files: 2, rows: 40, bytes: expect.any(Number) },
    ]);
    expect(status.committedHours[0]?.bytes).toBeGreaterThan(0);
    expect(status.waitingHours).toEqual(['2026-11-21T13:00:00.000Z']);
    expect(status.columns.map((column) => column.name)).toEqual(
      expect.arrayContaining(['_source_partition', '_position', 'user', 'items', 'date', 'hour']),
    );
    expect(status.columns.find((column) => column.name === 'user')?.type).toMatch(/^struct</);
    expect(
      status.units.map(({ hour, group, committed, rows }) => ({ hour, group, committed, rows })),
    ).toEqual([
      { hour: '2026-11-21T12:00:00.000Z', group: 'p0', committed: true, rows: 20 },
      { hour: '2026-11-21T12:00:00.000Z', group: 'p1', committed: true, rows: 20 },
    ]);
  });

  it('names the table on the page as an Iceberg table and its metadata version', async () => {
    // Act
    const view = await buildLakeView({
      lake: readOnlyLakeOf(lake.direct),
      topic: TOPIC,
      where: lake.where,
      logFile: null,
      hours: 3,
      cache: new Map(),
      clock: () => Date.UTC(2026, 10, 21, 14, 30),
    });

    // Assess
    expect(lakePage(view)).toMatch(
      /Iceberg table \(path catalog\) <code>compacted\/orders\/<\/code>, metadata version \d+\./,
    );
  });

  it('says a table recorded in Glue or a REST catalog is not read, rather than calling it not created', async () => {
    // Prepare: a lake holding only a catalog service's metadata file name
    const other = await openLake('fs');
    try {
      const path = `compacted/orders/metadata/00001-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}.metadata.json`;
      const staged = `${STAGING_PREFIX}/test/${path}`;
      await other.store.objects.stage(staged, Buffer.from('{}'));
      await other.store.objects.publish(path, [staged]);

      // Act
      const status = await compactionStatusOf(readOnlyLakeOf(other.direct).objects, TOPIC, HOURS);

      // Assess
      expect(status).toEqual({
        kind: 'not-shown',
        reason: expect.stringMatching(/recorded in a catalog service \(Glue or REST\)/),
      });
    } finally {
      await other.close();
    }
  });
});
