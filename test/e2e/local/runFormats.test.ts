import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckDb } from '../../../local/audit/duckDb.js';
import { AVRO_PYTHON, ensureAvroTools } from '../../../local/emulators/avroTools.js';

const run = promisify(execFile);
const folders: string[] = [];

/** `npm run local` as a user runs it, into a folder of its own. */
async function runLocal(args: readonly string[]): Promise<{ dir: string; stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'capture-local-format-'));
  folders.push(dir);
  const { stdout } = await run(
    'npm',
    ['run', 'local', '--', '--store', 'fs', '--dir', dir, '--until-drained', ...args],
    {
      maxBuffer: 16 * 1024 * 1024,
      timeout: 300_000,
    },
  );
  return { dir, stdout };
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

beforeAll(() => ensureAvroTools(), 180_000);
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

describe('Command: npm run local with --format and --layout', () => {
  it('writes Capture files in Capture names with --format avro-capture --layout capture, each offset once', async () => {
    // Act
    const { dir, stdout } = await runLocal([
      '--events',
      '20000',
      '--partitions',
      '4',
      '--format',
      'avro-capture',
      '--layout',
      'capture',
    ]);

    // Assess
    expect(stdout).toContain('Captured 20000 records of topic "local-events"');
    expect(stdout).toContain('read_avro(');
    const files = (await filesUnder(join(dir, 'raw'))).sort();
    for (const file of files)
      expect(file).toMatch(
        /\/raw\/local\/local-events\/\d\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/\d{2}\/00(-\d{20}\.late)?\.avro$/,
      );
    const script = fileURLToPath(new URL('../../helpers/readers/fastavroDump.py', import.meta.url));
    const { stdout: dump } = await run(AVRO_PYTHON, [script, ...files], { maxBuffer: 256 * 1024 * 1024 });
    const read = JSON.parse(dump) as { path: string; codec: string; records: { SequenceNumber: number }[] }[];
    const positions = new Map<string, number[]>();
    for (const file of read) {
      expect(file.codec).toBe('deflate');
      const partition = file.path.split('/raw/local/local-events/')[1]?.split('/')[0] ?? '';
      positions.set(partition, [
        ...(positions.get(partition) ?? []),
        ...file.records.map((record) => record.SequenceNumber),
      ]);
    }
    expect([...positions.keys()].sort()).toEqual(['0', '1', '2', '3']);
    for (const sequenceNumbers of positions.values()) {
      expect(sequenceNumbers.sort((a, b) => a - b)).toEqual([...sequenceNumbers.keys()]);
    }
    expect([...positions.values()].reduce((sum, list) => sum + list.length, 0)).toBe(20000);
  });

  it('writes hive folders that DuckDB turns into columns with --layout hive', async () => {
    // Act
    const { dir } = await runLocal(['--events', '5000', '--partitions', '2', '--layout', 'hive']);

    // Assess
    const rows = await queryDuckDb(`
          SELECT topic, count(*)::INTEGER AS records,
                 count(*) FILTER (WHERE strftime(CAST(timestamp AS TIMESTAMP), '%Y-%m-%d %H:%M') <> strftime(date, '%Y-%m-%d') || ' ' || lpad(hour::VARCHAR, 2, '0') || ':' || lpad(minute::VARCHAR, 2, '0'))::INTEGER AS misplaced
          FROM read_json('${dir}/raw/**/*.jsonl.zst', format = 'newline_delimited', hive_partitioning = true)
          GROUP BY topic`);
    expect(rows).toEqual([{ topic: 'local-events', records: 5000, misplaced: 0 }]);
  });
});
