import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditCompaction } from '../../../../local/audit/compactionAudit.js';
import { queryDuckDb } from '../../../../local/audit/duckDb.js';
import { type CoveredRawObject, newManifest } from '../../../../shared/compaction/manifest.js';
import { createFsStore } from '../../../../shared/stores/fs/createFsStore.js';

const HOUR = 'compacted/t/date=2026-11-21/hour=12';
const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

type Position = readonly [partition: string, position: number];

/**
 * A compacted lake in a folder: raw objects (path → positions, as envelope lines), Parquet files
 * written by DuckDB (path → positions) and manifests (each listing files and covering raw objects).
 */
async function compactedLakeWith(lake: {
  raw: Record<string, Position[]>;
  parquet: Record<string, Position[]>;
  manifests: { files: string[]; covers: string[] }[];
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
    const rows = positions.map(([partition, position]) => `('${partition}', ${position})`).join(', ');
    await queryDuckDb(
      `COPY (SELECT * FROM (VALUES ${rows}) AS rows(_partition, _position)) TO '${join(root, path)}' (FORMAT parquet)`,
    );
  }
  for (const [sequence, manifest] of lake.manifests.entries()) {
    const covered: CoveredRawObject[] = manifest.covers.map((path) => ({
      path,
      partition: '0',
      rows: 0,
      firstPosition: null,
      lastPosition: null,
    }));
    const fields = newManifest({
      topic: 't',
      hour: '2026-11-21T12:00:00.000Z',
      group: 'all',
      sequence,
      schema: `${HOUR}/_schema-all-${sequence}.json`,
      files: manifest.files.map((path) => ({ path, rows: 0, bytes: 0, rowGroups: 1 })),
      rawObjects: covered,
      offsets: {},
    });
    await write(`${HOUR}/_manifest-all-${sequence}.json`, JSON.stringify(fields));
  }
  return { objects: createFsStore(root).objects, scratch };
}

describe('Function: auditCompaction', () => {
  it('reads only listed files and counts duplicates, losses, rows not in raw and raw objects covered other than once', async () => {
    // Prepare: a.parquet is listed twice, covering raw a twice; raw b is covered by none and
    // compacted nowhere; an unlisted file would add a third copy if it were read.
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
        [`${HOUR}/part-unlisted.parquet`]: [['0', 0]],
      },
      manifests: [
        { files: [`${HOUR}/part-a.parquet`], covers: ['raw/t/12/00/0-a.jsonl'] },
        { files: [`${HOUR}/part-a.parquet`], covers: ['raw/t/12/00/0-a.jsonl'] },
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

  it('finds every raw record once in a lake compacted by two manifests', async () => {
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
      manifests: [
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

  it('reports every raw record lost when nothing is compacted', async () => {
    // Prepare
    const { objects, scratch } = await compactedLakeWith({
      raw: { 'raw/t/12/00/0-a.jsonl': [['0', 0]] },
      parquet: {},
      manifests: [],
    });

    // Act
    const audit = await auditCompaction(objects, 't', scratch);

    // Assess
    expect(audit).toMatchObject({ rowsIn: 1, rowsOut: 0, losses: 1, rawObjectsUncovered: 1 });
  });
});
