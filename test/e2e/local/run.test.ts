import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { queryDuckDb as query } from '../../../local/audit/duckDb.js';
import { createFsStore } from '../../../shared/stores/fs/createFsStore.js';
import { tableFilePaths } from '../../helpers/compactedLake.js';
import { startNpmCommand } from '../../helpers/runningCommand.js';

const run = promisify(execFile);

describe('Command: npm run local (end to end, read back with DuckDB)', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('seals 200000 generated events over 8 partitions, each (partition, offset) exactly once, and compacts them into Parquet', async () => {
    // Prepare
    dir = await mkdtemp(join(tmpdir(), 'capture-local-'));

    // Act: the README's command, as a user runs it
    const { stdout } = await run(
      'npm',
      [
        'run',
        'local',
        '--',
        '--events',
        '200000',
        '--partitions',
        '8',
        '--store',
        'fs',
        '--dir',
        dir,
        '--until-drained',
      ],
      { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 },
    );

    // Assess
    expect(stdout).toContain(`Captured 200000 records of topic "local-events" into ${dir}`);
    const files = `${dir}/raw/**/*.jsonl.zst`;
    const [totals] = await query(`
      SELECT count(*)::INTEGER AS records, count(DISTINCT (partition, position))::INTEGER AS distinct_offsets,
             count(DISTINCT partition)::INTEGER AS partitions
      FROM read_json('${files}', format = 'newline_delimited')`);
    expect(totals).toEqual({ records: 200000, distinct_offsets: 200000, partitions: 8 });

    // Every record lies in the minute folder of its object, and a minute has one object per partition
    // (plus late objects, whose names say so).
    const [placement] = await query(`
      SELECT (count(*) FILTER (WHERE strftime(CAST(timestamp AS TIMESTAMP), '%Y/%m/%d/%H/%M') <> regexp_extract(filename, '(\\d{4}/\\d{2}/\\d{2}/\\d{2}/\\d{2})/', 1)))::INTEGER AS misplaced
      FROM read_json('${files}', format = 'newline_delimited', filename = true)`);
    expect(placement).toEqual({ misplaced: 0 });
    const mains = await query(`
      SELECT regexp_extract(file, '(\\d{4}/\\d{2}/\\d{2}/\\d{2}/\\d{2})/(\\d+)-', ['minute', 'partition']) AS key, count(*)::INTEGER AS objects
      FROM glob('${files}') WHERE file NOT LIKE '%.late.%' GROUP BY key HAVING count(*) > 1`);
    expect(mains).toEqual([]);
    const [sequences] = await query(`
      SELECT count(*)::INTEGER AS gaps FROM (
        SELECT position - lag(position) OVER (PARTITION BY partition ORDER BY position) AS step
        FROM read_json('${files}', format = 'newline_delimited')) WHERE step <> 1`);
    expect(sequences).toEqual({ gaps: 0 });

    // Act: the compaction function once every hour of the run is closed
    const later = new Date(Date.now() + 2 * 3_600_000).toISOString();
    await run('npm', ['run', 'invoke', '--', 'compact', '--dir', dir, '--now', later], { timeout: 300_000 });

    // Assess: the Parquet files the topic's Delta log lists hold exactly the raw records, with their metadata
    const listed = (await tableFilePaths(createFsStore(dir).objects, 'local-events')).map(
      (path) => `'${dir}/${path}'`,
    );
    expect(listed.length).toBeGreaterThan(0);
    const [compacted] = await query(`
      SELECT count(*)::INTEGER AS rows, count(DISTINCT (_partition, _position))::INTEGER AS distinct_offsets,
             count(*) FILTER (WHERE _timestamp IS NULL OR _offset IS NULL)::INTEGER AS without_metadata
      FROM read_parquet([${listed.join(', ')}])`);
    expect(compacted).toEqual({ rows: 200000, distinct_offsets: 200000, without_metadata: 0 });
    const [differences] = await query(`
      SELECT count(*)::INTEGER AS differing FROM (
        (SELECT partition, position, body.eventId AS event_id FROM read_json('${files}', format = 'newline_delimited')
         EXCEPT SELECT _partition, _position, eventId FROM read_parquet([${listed.join(', ')}]))
        UNION ALL
        (SELECT _partition, _position, eventId FROM read_parquet([${listed.join(', ')}])
         EXCEPT SELECT partition, position, body.eventId FROM read_json('${files}', format = 'newline_delimited')))`);
    expect(differences).toEqual({ differing: 0 });
    // Two commands of 200000 events each: a minute on a quiet machine, several on a busy one.
  }, 300_000);

  it('prints a compaction command for hours it did not compact, which compacts every record of them', async () => {
    const shortDir = await mkdtemp(join(tmpdir(), 'capture-local-short-'));
    try {
      // Prepare: a run too short for the schedule to find a closed hour
      const { stdout } = await run(
        'npm',
        ['run', 'local', '--', '--events', '2000', '--dir', shortDir, '--until-drained'],
        { timeout: 300_000 },
      );
      const printed = /npm run invoke -- (compact .*) compacts them/.exec(stdout);
      expect(printed, stdout).not.toBeNull();

      // Act: the printed command, as a user pastes it
      const compaction = await run('npm', ['run', 'invoke', '--', ...(printed?.[1] ?? '').split(' ')], {
        timeout: 300_000,
      });

      // Assess
      const rowsWritten = compaction.stdout
        .split('\n')
        .filter((line) => line.includes('"event":"capture.compaction"'))
        .reduce((sum, line) => sum + (JSON.parse(line) as { rowsWritten: number }).rowsWritten, 0);
      expect(rowsWritten).toBe(2000);
    } finally {
      await rm(shortDir, { recursive: true, force: true });
    }
  });

  it('runs the Lambda function on MSK-shaped batches into the S3 emulator: each (partition, offset) once', async () => {
    const s3Dir = await mkdtemp(join(tmpdir(), 'capture-local-s3-'));
    try {
      const { stdout } = await run(
        'npm',
        [
          'run',
          'local',
          '--',
          '--events',
          '20000',
          '--partitions',
          '4',
          '--store',
          's3',
          '--dir',
          s3Dir,
          '--until-drained',
        ],
        { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 },
      );

      expect(stdout).toContain('Captured 20000 records of topic "local-events" into the S3 emulator');
      // The emulator keeps objects in memory; the runner saves the bucket to the folder when it ends.
      const [totals] = await query(`
        SELECT count(*)::INTEGER AS records, count(DISTINCT (partition, position))::INTEGER AS distinct_offsets
        FROM read_json('${s3Dir}/s3/lake/raw/**/*.jsonl.zst', format = 'newline_delimited')`);
      expect(totals).toEqual({ records: 20000, distinct_offsets: 20000 });
    } finally {
      await rm(s3Dir, { recursive: true, force: true });
    }
  });
});

describe('Command: npm run local -- --console', () => {
  it('serves the lake console from the start of the run, and after it with every minute sealed until Ctrl-C', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'capture-local-console-'));
    try {
      // Act
      const { command, match } = await startNpmCommand(
        [
          'run',
          'local',
          '--',
          '--events',
          '3000',
          '--dir',
          dir,
          '--until-drained',
          '--console',
          '--console-port',
          '0',
        ],
        /The console stays at (http:\/\/127\.0\.0\.1:\d+\/)/,
      );
      const response = await fetch(`${match[1]}lake.json`);
      await command.stop('SIGINT');

      // Assess
      const view = (await response.json()) as { grid: { partitions: { cells: { state: string }[] }[] } };
      const states = view.grid.partitions.flatMap((row) => row.cells.map((cell) => cell.state));
      expect(view.grid.partitions).toHaveLength(4);
      expect(new Set(states)).toEqual(new Set(['sealed']));
      const output = command.output();
      expect(output.indexOf('Lake console of topic "local-events"')).toBeGreaterThanOrEqual(0);
      expect(output.indexOf('Lake console of topic')).toBeLessThan(output.indexOf('Captured 3000 records'));
      // Ctrl-C ends it: soon nothing answers there any more.
      const answering = () =>
        fetch(match[1] as string).then(
          () => 'answering',
          () => 'gone',
        );
      await expect.poll(answering, { timeout: 30_000 }).toBe('gone');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
