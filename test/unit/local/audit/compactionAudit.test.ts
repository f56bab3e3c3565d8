import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditCompaction } from '../../../../local/audit/compactionAudit.js';
import { queryDuckDb } from '../../../../local/audit/duckDb.js';
import { METADATA_COLUMNS } from '../../../../shared/compaction/schema.js';
import { tableMetadataOf, tableRootOf } from '../../../../shared/compaction/tableLayout.js';
import { createFsStore } from '../../../../shared/stores/fs/createFsStore.js';
import { commitBytes } from '../../../../shared/tables/delta/actions.js';
import { commitPath } from '../../../../shared/tables/delta/logFiles.js';

const HOUR = 'compacted/t/date=2026-11-21/hour=12';
const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A record's coordinates; a Parquet row's generation is 0 unless given. */
type Position = readonly [partition: string, position: number, generation?: number];

/**
 * A compacted lake in a folder: raw objects (path → positions, as envelope lines), Parquet files
 * written by DuckDB (path → positions), and units of the hour, each with a claim covering raw
 * objects and, when committed, a Delta commit adding files with the unit's transaction.
 */
async function compactedLakeWith(lake: {
  raw: Record<string, Position[]>;
  parquet: Record<string, Position[]>;
  units: { files: string[]; covers: string[]; committed?: false }[];
}) {
  const root = await mkdtemp(join(tmpdir(), 'audit-compacted-'));
  const scratch = await mkdtemp(join(tmpdir(), 'audit-scratch-'));
  folders.push(root, scratch);
  const write = async (path: string, bytes: string | Buffer) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), bytes);
  };
  for (const [path, positions] of Object.entries(lake.raw)) {
    const lines = positions.map(([partition, position]) => JSON.stringify({ partition, position, body: {} }));
    await write(path, `${lines.join('\n')}\n`);
  }
  for (const [path, positions] of Object.entries(lake.parquet)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    const rows = positions
      .map(([partition, position, generation = 0]) => `('${partition}', ${position}, ${generation}::BIGINT)`)
      .join(', ');
    await queryDuckDb(
      `COPY (SELECT * FROM (VALUES ${rows}) AS rows(_partition, _position, _generation)) TO '${join(root, path)}' (FORMAT parquet)`,
    );
  }
  const table = tableRootOf('t');
  await write(
    commitPath(table, 0),
    commitBytes([
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      { metaData: tableMetadataOf('t', [...METADATA_COLUMNS], 0) },
    ]),
  );
  let version = 0;
  for (const [sequence, unit] of lake.units.entries()) {
    const claim = {
      format: 'stream-capture.compaction-claim/1',
      topic: 't',
      hour: '2026-11-21T12:00:00.000Z',
      group: 'all',
      sequence,
      rawObjects: unit.covers.map((path) => ({ path, partition: '0' })),
    };
    await write(`${HOUR}/_claim-all-${sequence}.json`, JSON.stringify(claim));
    if (unit.committed === false) continue;
    version++;
    await write(
      commitPath(table, version),
      commitBytes([
        { txn: { appId: 'stream-capture/all/2026-11-21T12:00:00.000Z', version: sequence } },
        ...unit.files.map((path) => ({
          add: {
            path: path.slice(table.length),
            partitionValues: { date: '2026-11-21', hour: '12' },
            size: 1,
            modificationTime: 0,
            dataChange: true,
          },
        })),
      ]),
    );
  }
  return { objects: createFsStore(root).objects, scratch };
}

describe('Function: auditCompaction', () => {
  it('reads only listed files and counts duplicates, losses, rows not in raw and raw objects covered other than once', async () => {
    // Prepare: two committed units hold the same rows in two files and both claim raw a; raw b is
    // claimed only by a unit never committed and compacted nowhere; an unlisted file would add a
    // third copy if it were read.
    const { objects, scratch } = await compactedLakeWith({
      raw: {
        'raw/t/12/00/0-a.jsonl': [
          ['0', 0],
          ['0', 1],
        ],
        'raw/t/12/01/1-b.jsonl': [['1', 0]],
      },
      parquet: {
        [`${HOUR}/part-a.parquet`]: [
          ['0', 0],
          ['0', 1],
          ['9', 9],
        ],
        [`${HOUR}/part-a2.parquet`]: [
          ['0', 0],
          ['0', 1],
          ['9', 9],
        ],
        [`${HOUR}/part-unlisted.parquet`]: [['0', 0]],
      },
      units: [
        { files: [`${HOUR}/part-a.parquet`], covers: ['raw/t/12/00/0-a.jsonl'] },
        { files: [`${HOUR}/part-a2.parquet`], covers: ['raw/t/12/00/0-a.jsonl'] },
        { files: [], covers: ['raw/t/12/01/1-b.jsonl'], committed: false },
      ],
    });

    // Act
    const audit = await auditCompaction(objects, 't', scratch);

    // Assess
    expect(audit).toEqual({
      rowsIn: 3,
      rowsOut: 6,
      duplicates: 2,
      losses: 1,
      unexpected: 2,
      rawObjectsUncovered: 1,
      rawObjectsCoveredTwice: 1,
    });
  });

  it('finds every raw record once in a lake compacted by two units', async () => {
    // Prepare
    const { objects, scratch } = await compactedLakeWith({
      raw: {
        'raw/t/12/00/0-a.jsonl': [['0', 0]],
        'raw/t/12/00/0-b.jsonl': [['0', 1]],
      },
      parquet: {
        [`${HOUR}/part-a.parquet`]: [['0', 0]],
        [`${HOUR}/part-b.parquet`]: [['0', 1]],
      },
      units: [
        { files: [`${HOUR}/part-a.parquet`], covers: ['raw/t/12/00/0-a.jsonl'] },
        { files: [`${HOUR}/part-b.parquet`], covers: ['raw/t/12/00/0-b.jsonl'] },
      ],
    });

    // Act
    const audit = await auditCompaction(objects, 't', scratch);

    // Assess
    expect(audit).toEqual({
      rowsIn: 2,
      rowsOut: 2,
      duplicates: 0,
      losses: 0,
      unexpected: 0,
      rawObjectsUncovered: 0,
      rawObjectsCoveredTwice: 0,
    });
  });

  it('tells the same position of two generations apart, in raw names and in the _generation column', async () => {
    // Prepare: the topic was recreated within the hour, so position 0 of partition 0 is two records.
    const { objects, scratch } = await compactedLakeWith({
      raw: {
        'raw/t/12/00/0-00000000000000000000.jsonl': [['0', 0]],
        'raw/t/12/30/0-g1-00000000000000000000.jsonl': [['0', 0]],
      },
      parquet: {
        [`${HOUR}/part-a.parquet`]: [
          ['0', 0, 0],
          ['0', 0, 1],
        ],
      },
      units: [
        {
          files: [`${HOUR}/part-a.parquet`],
          covers: ['raw/t/12/00/0-00000000000000000000.jsonl', 'raw/t/12/30/0-g1-00000000000000000000.jsonl'],
        },
      ],
    });

    // Act
    const audit = await auditCompaction(objects, 't', scratch);

    // Assess
    expect(audit).toEqual({
      rowsIn: 2,
      rowsOut: 2,
      duplicates: 0,
      losses: 0,
      unexpected: 0,
      rawObjectsUncovered: 0,
      rawObjectsCoveredTwice: 0,
    });
  });

  it('reports every raw record lost when nothing is compacted', async () => {
    // Prepare
    const { objects, scratch } = await compactedLakeWith({
      raw: { 'raw/t/12/00/0-a.jsonl': [['0', 0]] },
      parquet: {},
      units: [],
    });

    // Act
    const audit = await auditCompaction(objects, 't', scratch);

    // Assess
    expect(audit).toMatchObject({ rowsIn: 1, rowsOut: 0, losses: 1, rawObjectsUncovered: 1 });
  });
});
