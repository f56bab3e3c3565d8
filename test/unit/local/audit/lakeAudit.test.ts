import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditLake } from '../../../../local/audit/lakeAudit.js';
import { createFsStore } from '../../../../shared/stores/fs/createFsStore.js';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A lake in a folder holding `files` (path → JSON lines), and a scratch folder for the audit. */
async function lakeWith(files: Record<string, object[]>) {
  const lake = await mkdtemp(join(tmpdir(), 'audit-lake-'));
  const scratch = await mkdtemp(join(tmpdir(), 'audit-scratch-'));
  folders.push(lake, scratch);
  for (const [path, lines] of Object.entries(files)) {
    await mkdir(join(lake, path, '..'), { recursive: true });
    await writeFile(join(lake, path), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  }
  return { objects: createFsStore(lake).objects, scratch };
}

describe('Function: auditLake', () => {
  it('counts a record found twice as a duplicate, one found nowhere as a loss, dead letters by reason', async () => {
    // Prepare
    const { objects, scratch } = await lakeWith({
      'raw/t/00/0-a.jsonl': [
        { partition: '0', position: 0, body: {} },
        { partition: '0', position: 1, body: {} },
      ],
      'raw/t/01/0-b.jsonl': [{ partition: '0', position: 1, body: {} }],
      'deadletter/t/00/1-a.jsonl': [{ partition: '1', position: 0, reason: 'invalid-json', detail: 'x' }],
      'raw/t/00/1-a.jsonl': [{ partition: '1', position: 9, body: {} }],
    });
    const expected = new Set(['0/0', '0/1', '0/2', '1/0']);

    // Act
    const audit = await auditLake(objects, scratch, expected);

    // Assess
    expect(audit).toEqual({
      recordsOut: 5,
      duplicates: 1,
      losses: 1,
      unexpected: 1,
      deadLettersByReason: { 'invalid-json': 1 },
    });
  });

  it('tells the positions of a later generation (named in the object) from the same positions of the first', async () => {
    // Prepare: positions 0 and 1 of a topic, then of the topic recreated
    const { objects, scratch } = await lakeWith({
      'raw/t/00/0-00000000000000000000.jsonl': [
        { partition: '0', position: 0 },
        { partition: '0', position: 1 },
      ],
      'raw/t/59/0-g1-00000000000000000000.jsonl': [
        { partition: '0', position: 0 },
        { partition: '0', position: 1 },
      ],
    });

    // Act
    const audit = await auditLake(objects, scratch, new Set(['0/0', '0/1', 'g1:0/0', 'g1:0/1']));

    // Assess
    expect(audit).toMatchObject({ recordsOut: 4, duplicates: 0, losses: 0, unexpected: 0 });
  });

  it('reports every record once for a lake without dead letters', async () => {
    // Prepare
    const { objects, scratch } = await lakeWith({ 'raw/t/0-a.jsonl': [{ partition: '0', position: 0 }] });

    // Act
    const audit = await auditLake(objects, scratch, new Set(['0/0']));

    // Assess
    expect(audit).toEqual({
      recordsOut: 1,
      duplicates: 0,
      losses: 0,
      unexpected: 0,
      deadLettersByReason: {},
    });
  });
});
