import { describe, expect, it } from 'vitest';
import type { CaptureStore } from '../../../../../shared/store.js';
import type { Action } from '../../../../../shared/tables/delta/actions.js';
import { commitBytes } from '../../../../../shared/tables/delta/actions.js';
import { filesOf } from '../../../../../shared/tables/delta/checkpoint.js';
import { commitNext, WRITER_PROTOCOL } from '../../../../../shared/tables/delta/commit.js';
import { commitPath, lastCheckpointPath } from '../../../../../shared/tables/delta/logFiles.js';
import { listTableFiles, loadSnapshot } from '../../../../../shared/tables/delta/readSnapshot.js';
import { emptySnapshot } from '../../../../../shared/tables/delta/tableState.js';
import { FRESH_STORES } from '../../../../helpers/freshStores.js';

const ROOT = 'compacted/events/';
const CREATE: Action[] = [
  { protocol: WRITER_PROTOCOL },
  {
    metaData: {
      id: '00000000-0000-0000-0000-000000000001',
      format: { provider: 'parquet', options: {} },
      schemaString: '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}',
      partitionColumns: [],
      configuration: {},
      createdTime: 0,
    },
  },
];

/** A blind append of one file, recorded under the writer's transaction identifier. */
function append(appId: string, version: number): Action[] {
  return [
    { txn: { appId, version } },
    {
      add: {
        path: `part-${appId}-${version}.parquet`,
        partitionValues: {},
        size: 10,
        modificationTime: 0,
        dataChange: true,
        stats: '{"numRecords":1}',
      },
    },
  ];
}

/** Commits an append unless the table holds its transaction already (a retry after a crash). */
const once = (appId: string, version: number) => (latest: { transactions: ReadonlyMap<string, number> }) =>
  (latest.transactions.get(appId) ?? -1) >= version ? null : append(appId, version);

async function createdTable(store: CaptureStore) {
  return (await commitNext(store.objects, emptySnapshot(ROOT), () => CREATE)).snapshot;
}

describe.each(FRESH_STORES)('Function: commitNext on %s', (_name, freshStore) => {
  it('commits blind appends of two writers racing for the same versions, each exactly once', async () => {
    // Prepare: both writers start from the same snapshot
    const store = await freshStore();
    const start = await createdTable(store);

    // Act
    const [a, b] = await Promise.all(
      ['writer-a', 'writer-b'].map(async (appId) => {
        let snapshot = start;
        const versions: (number | null)[] = [];
        for (let unit = 0; unit < 4; unit++) {
          const result = await commitNext(store.objects, snapshot, once(appId, unit));
          versions.push(result.version);
          snapshot = result.snapshot;
        }
        return versions;
      }),
    );

    // Assess
    const committed = [...(a ?? []), ...(b ?? [])].sort((x, y) => (x ?? 0) - (y ?? 0));
    expect(committed).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const latest = await loadSnapshot(store.objects, ROOT);
    expect(latest.version).toBe(8);
    expect(Object.fromEntries(latest.transactions)).toEqual({ 'writer-a': 3, 'writer-b': 3 });
    expect((await listTableFiles(store.objects, ROOT)).map((add) => add.path)).toHaveLength(8);
  });

  it('commits nothing when the table already holds the transaction, as after a crash past the commit', async () => {
    // Prepare
    const store = await freshStore();
    const created = await createdTable(store);
    const first = await commitNext(store.objects, created, once('unit', 0));

    // Act: a rerun that read the table before the first commit
    const rerun = await commitNext(store.objects, created, once('unit', 0));

    // Assess
    expect(first.version).toBe(1);
    expect(rerun.version).toBeNull();
    expect(rerun.snapshot.version).toBe(1);
    expect(await listTableFiles(store.objects, ROOT)).toHaveLength(1);
  });

  it('writes a checkpoint every ten versions and points _last_checkpoint at it, so readers start there', async () => {
    // Prepare
    const store = await freshStore();
    let snapshot = await createdTable(store);

    // Act
    for (let unit = 0; unit < 21; unit++)
      snapshot = (await commitNext(store.objects, snapshot, once('w', unit))).snapshot;

    // Assess
    const log = (await store.objects.list(`${ROOT}_delta_log/`)).filter((path) => !path.endsWith('.json'));
    expect(log).toEqual([
      `${ROOT}_delta_log/00000000000000000010.checkpoint.parquet`,
      `${ROOT}_delta_log/00000000000000000020.checkpoint.parquet`,
      `${ROOT}_delta_log/_last_checkpoint`,
    ]);
    expect(JSON.parse((await store.objects.read(lastCheckpointPath(ROOT))).toString())).toEqual({
      version: 20,
      size: 23,
      sizeInBytes: expect.any(Number),
      numOfAddFiles: 20,
    });
    const latest = await loadSnapshot(store.objects, ROOT);
    expect(latest).toMatchObject({ version: 21, checkpointVersion: 20, protocol: WRITER_PROTOCOL });
    expect(latest.transactions.get('w')).toBe(20);
    expect(latest.added.size).toBe(1);
    expect((await filesOf(store.objects, latest)).size).toBe(21);
  });

  it('refuses to append to a table another writer upgraded to features it does not implement', async () => {
    // Prepare: someone enabled deletion vectors
    const store = await freshStore();
    await createdTable(store);
    const upgrade = commitBytes([
      {
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['deletionVectors'],
          writerFeatures: ['deletionVectors'],
        },
      },
    ]);
    await store.objects.stage('_staging/upgrade', upgrade);
    await store.objects.publish(commitPath(ROOT, 1), ['_staging/upgrade']);

    // Act
    const attempt = commitNext(store.objects, await loadSnapshot(store.objects, ROOT), once('w', 0));

    // Assess
    await expect(attempt).rejects.toThrow(
      /requires reader version 3 and writer version 7 \(features deletionVectors\)/,
    );
  });
});
