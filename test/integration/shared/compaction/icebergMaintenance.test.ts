import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { v4 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLake } from '../../../../local/emulators/openLake.js';
import { crashingStore, SimulatedCrash } from '../../../../local/faults/crashingStore.js';
import { compactClosedHours } from '../../../../shared/compaction/compact.js';
import type { CompactionSummary } from '../../../../shared/compaction/compactionSummary.js';
import type { IcebergTarget } from '../../../../shared/compaction/icebergTable.js';
import { tableRootOf } from '../../../../shared/compaction/tableLayout.js';
import type { TopicConfig } from '../../../../shared/config/schema.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { createFsStore } from '../../../../shared/stores/fs/createFsStore.js';
import { commitMetadata, loadIcebergTable } from '../../../../shared/tables/iceberg/commit.js';
import { datedUuid } from '../../../../shared/tables/iceberg/datedName.js';
import { pathCatalog } from '../../../../shared/tables/iceberg/pathCatalog.js';
import type { TableMetadata } from '../../../../shared/tables/iceberg/tableMetadata.js';
import { topicConfig } from '../../../helpers/factories.js';
import { readWithPyIceberg } from '../../../helpers/readers/pyiceberg.js';
import {
  captureTwoHoursOfOrders,
  expectEveryOrderOnce,
  ICEBERG_ORDERS,
  type OrderBody,
} from '../../../helpers/twoHoursOfOrders.js';

const TOPIC = ICEBERG_ORDERS;
const ROOT = tableRootOf(TOPIC.name);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** When the two hours were compacted (see `captureTwoHoursOfOrders`). */
const COMPACTED_AT = Date.UTC(2026, 10, 21, 14, 10);
/** Past the default five days' snapshot age and the day expiry waits to take them together. */
const MAINTAINED_AT = COMPACTED_AT + 6 * DAY + HOUR;
/** Far enough back that every run visits both captured hours again, as a late object would make it. */
const REVISIT = { lookbackHours: 8 * 24 };
const GROUPS = [['0'], ['1']] as const;

let scratch: string;
let captured: string;
let raw: Map<string, OrderBody>;
let captureContext: CaptureContext;

/**
 * A copy of the captured lake, compacted by two partition groups (four units, four snapshots; an
 * Iceberg table records absolute locations, so each copy is compacted where it lies), with its
 * metadata log cut to its newest two files (`write.metadata.previous-versions-max`, as a user sets
 * it), and three files in `metadata/` no snapshot refers to: a dated manifest list of a commit that
 * lost a race days ago, one written a minute before maintenance runs (a commit in flight), and one
 * whose name carries no date (another writer's).
 */
async function lakeAt(name: string, topic: TopicConfig = TOPIC) {
  const root = join(scratch, name);
  await cp(captured, root, { recursive: true });
  const store = createFsStore(root);
  const iceberg: IcebergTarget = {
    lakeLocation: `${pathToFileURL(root).href}/`,
    catalog: (tableRoot) => pathCatalog(store.objects, tableRoot),
  };
  const run = async (
    at: number,
    options: { lookbackHours?: number } = {},
    over: CaptureStore = store,
    groups: readonly (readonly string[])[] = GROUPS,
  ) => {
    const total: CompactionSummary[] = [];
    const context = { ...captureContext, topic, store: over, clock: () => at };
    for (const partitions of groups) {
      total.push(await compactClosedHours(context, { ...options, partitions: [...partitions], iceberg }));
    }
    return total;
  };
  const catalog = iceberg.catalog(ROOT);
  const table = async () => (await loadIcebergTable(store.objects, catalog)).metadata as TableMetadata;

  await run(COMPACTED_AT, { lookbackHours: 3 });
  await commitMetadata(
    store.objects,
    catalog,
    await loadIcebergTable(store.objects, catalog),
    async (state) =>
      state.metadata === null || state.pointer === null
        ? null
        : {
            ...state.metadata,
            properties: { ...state.metadata.properties, 'write.metadata.previous-versions-max': '2' },
            'metadata-log': [
              ...state.metadata['metadata-log'],
              {
                'timestamp-ms': state.metadata['last-updated-ms'],
                'metadata-file': `${iceberg.lakeLocation}${state.pointer.path}`,
              },
            ],
          },
  );
  const metadataFolder = join(root, ROOT, 'metadata');
  await writeFile(join(metadataFolder, `snap-77-1-${datedUuid(COMPACTED_AT)}.avro`), 'lost');
  await writeFile(join(metadataFolder, `snap-78-1-${datedUuid(MAINTAINED_AT - 60_000)}.avro`), 'in flight');
  await writeFile(join(metadataFolder, `${v4()}-m0.avro`), 'undated');
  return { root, store, run, table, location: `${iceberg.lakeLocation}${ROOT.replace(/\/$/, '')}` };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'iceberg-maintenance-'));
  const lake = await openLake('fs');
  try {
    const orders = await captureTwoHoursOfOrders(lake, TOPIC);
    raw = orders.raw;
    captureContext = orders.context;
    captured = join(scratch, 'captured');
    await cp(lake.where, captured, { recursive: true });
  } finally {
    await lake.close();
  }
}, 120_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('Function: compactClosedHours maintaining an Iceberg table', () => {
  it('expires the snapshots past five days but the current one, and deletes their manifest lists and the orphans it can date', async () => {
    // Prepare
    const lake = await lakeAt('expired');
    const before = await lake.table();
    const listsBefore = before.snapshots.map((snapshot) => snapshot['manifest-list']);
    const current = before.snapshots.at(-1);

    // Act
    const summaries = await lake.run(MAINTAINED_AT);

    // Assess
    expect(summaries.map((summary) => summary.snapshotsExpired)).toEqual([3, 0]);
    const after = await lake.table();
    expect(after.snapshots).toEqual([current]);
    expect(after['snapshot-log'].map((entry) => entry['snapshot-id'])).toEqual([current?.['snapshot-id']]);
    expect(after['metadata-log']).toHaveLength(2);
    const metadataFiles = await lake.store.objects.list(`${ROOT}metadata/`);
    const names = metadataFiles.map((path) => path.slice(path.lastIndexOf('/') + 1));
    for (const list of listsBefore.slice(0, 3))
      expect(names).not.toContain(list.slice(list.lastIndexOf('/') + 1));
    expect(names).toContain(current?.['manifest-list'].slice(current['manifest-list'].lastIndexOf('/') + 1));
    expect(names.filter((name) => name.startsWith('snap-77-'))).toEqual([]);
    expect(names.filter((name) => name.startsWith('snap-78-'))).toHaveLength(1);
    expect(names.filter((name) => /^[0-9a-f-]{36}-m0\.avro$/.test(name))).toHaveLength(5);
    // The path catalog's metadata files stay, past the log or not: creating one is its commit.
    const versions = names.filter((name) => name.endsWith('.metadata.json'));
    expect(versions).toHaveLength(before['metadata-log'].length + 2);
    expect(names).toContain('version-hint.text');
    // Three manifest lists and the dated orphan.
    expect(summaries[0]?.metadataFilesDeleted).toBe(3 + 1);
  });

  it('leaves pyiceberg every record once, and a later visit of the expired hours commits nothing again', async () => {
    // Prepare
    const lake = await lakeAt('revisited');
    await lake.run(MAINTAINED_AT);

    // Act
    const revisits = await lake.run(MAINTAINED_AT + HOUR, REVISIT);

    // Assess
    expect(revisits.map((summary) => summary.hoursCompacted)).toEqual([0, 0]);
    const read = await readWithPyIceberg(lake.location);
    expect(read.snapshots).toHaveLength(1);
    expectEveryOrderOnce(read.rows, raw);
  });

  it('would append the expired units twice without their commit markers: the markers are what keeps them once', async () => {
    // Prepare
    const lake = await lakeAt('unmarked');
    await lake.run(MAINTAINED_AT);
    const markers = (await lake.store.objects.list(ROOT)).filter((path) => path.includes('/_committed-'));
    expect(markers).toHaveLength(4);
    for (const marker of markers) await rm(join(lake.root, marker));

    // Act
    const revisits = await lake.run(MAINTAINED_AT + HOUR, REVISIT);

    // Assess
    expect(revisits.reduce((sum, summary) => sum + summary.hoursCompacted, 0)).toBe(3);
  });

  it('commits every unit again into a table created afresh after its metadata was lost, markers or not', async () => {
    // Prepare: the table maintained (its history cut, every unit marked), then its metadata deleted
    const lake = await lakeAt('lost');
    await lake.run(MAINTAINED_AT);
    await rm(join(lake.root, ROOT, 'metadata'), { recursive: true });

    // Act
    const revisits = await lake.run(MAINTAINED_AT + HOUR, REVISIT);

    // Assess
    expect(revisits.reduce((sum, summary) => sum + summary.hoursCompacted, 0)).toBe(4);
    const read = await readWithPyIceberg(lake.location);
    expect(read.snapshots).toHaveLength(4);
    expectEveryOrderOnce(read.rows, raw);
  });

  it('expires nothing with compaction.maintenance.enabled false', async () => {
    // Prepare
    const topic = topicConfig({
      ...TOPIC,
      compaction: { ...TOPIC.compaction, maintenance: { enabled: false } },
    });
    const lake = await lakeAt('disabled', topic);

    // Act
    const summaries = await lake.run(MAINTAINED_AT);

    // Assess
    expect(summaries.map((summary) => summary.snapshotsExpired)).toEqual([0, 0]);
    expect((await lake.table()).snapshots).toHaveLength(4);
  });

  it('keeps every unit once after a crash before or after any store call of the maintenance, and a rerun', async () => {
    // Prepare: group 0's run maintains the table last, so its calls past those of the same run
    // without maintenance are the maintenance's
    const maintaining = [GROUPS[0]];
    const counted = await lakeAt('counted');
    const counting = crashingStore(counted.store, null);
    const unmaintained = topicConfig({
      ...TOPIC,
      compaction: { ...TOPIC.compaction, maintenance: { enabled: false } },
    });
    const plain = await lakeAt('counted-plain', unmaintained);
    const plainCounting = crashingStore(plain.store, null);
    await counted.run(MAINTAINED_AT, {}, counting, maintaining);
    await plain.run(MAINTAINED_AT, {}, plainCounting, maintaining);
    const [first, last] = [plainCounting.calls(), counting.calls()];
    expect(last - first).toBeGreaterThan(10);

    for (const when of ['before', 'after'] as const) {
      for (let call = first; call < last; call++) {
        const what = `crash ${when} call ${call}`;
        const lake = await lakeAt(`crash-${when}-${call}`);

        // Act
        const crashing = crashingStore(lake.store, { call, when });
        await expect(lake.run(MAINTAINED_AT, {}, crashing, maintaining), what).rejects.toBeInstanceOf(
          SimulatedCrash,
        );
        await lake.run(MAINTAINED_AT);
        const revisits = await lake.run(MAINTAINED_AT + HOUR, REVISIT);

        // Assess
        const table = await lake.table();
        expect(
          revisits.map((summary) => summary.hoursCompacted),
          what,
        ).toEqual([0, 0]);
        expect(table.snapshots, what).toHaveLength(1);
        expect(table.snapshots[0]?.summary['total-records'], what).toBe(String(raw.size));
        await rm(lake.root, { recursive: true, force: true });
      }
    }
  }, 300_000);
});
