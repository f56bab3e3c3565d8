import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { localTopic } from '../../../local/cli/localTopic.js';
import { CHROMIUM } from '../../../local/emulators/chromium.js';
import type { CaptureContext } from '../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../shared/pipeline/sealTimer.js';
import { createFsStore } from '../../../shared/stores/fs/createFsStore.js';
import { makeRecord } from '../../helpers/factories.js';
import { readLines } from '../../helpers/lakeReader.js';
import { type RunningCommand, startNpmCommand } from '../../helpers/runningCommand.js';

const run = promisify(execFile);

/**
 * Where the screenshots go: `docs/` for the README when asked (`CONSOLE_SCREENSHOTS=docs`), else a
 * scratch folder, so an ordinary test run leaves the repository as it was.
 */
const SCREENSHOTS =
  process.env.CONSOLE_SCREENSHOTS === 'docs' ? 'docs' : join(tmpdir(), 'console-screenshots');

/**
 * Chromium on a closed network: without the background-networking flags it waits on services it
 * cannot reach; playwright-core adds `--headless` itself.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A partition the run left alone receives one record that is not JSON and one that is, timed in the
 * run's last minute (whatever the wall clock says by now, however long the run took), then sealed.
 */
async function addDeadLetter(dir: string): Promise<void> {
  let now = Date.now();
  const topic = localTopic(undefined, undefined);
  const context: CaptureContext = { topic, store: createFsStore(dir), clock: () => now };
  const lastObject = (await context.store.objects.list('raw/')).at(-1) ?? '';
  const [, year, month, day, hour, minute] = (
    /\/(\d{4})\/(\d\d)\/(\d\d)\/(\d\d)\/(\d\d)\//.exec(lastObject) ?? []
  ).map(Number);
  if (minute === undefined) throw new Error(`the run sealed no object in a minute folder: ${lastObject}`);
  const brokerTime = Date.UTC(year as number, (month as number) - 1, day, hour, minute, 30);
  const record = (position: number, body: string) =>
    makeRecord({ topic: topic.name, partition: '3', position, brokerTime, body: Buffer.from(body) });
  await ingestBatch(context, [
    record(0, '{"order": 17, "total": 12.5'),
    record(1, '{"comment": "the record after a poison one"}'),
  ]);
  now += 5 * 60_000;
  await sealIdlePartitions(context);
}

/** `partition/HH:MM` of every raw data object the run left in the lake, as the grid labels its cells. */
async function minutesWithObjects(dir: string): Promise<Set<string>> {
  const paths = await createFsStore(dir).objects.list('raw/');
  return new Set(
    paths.flatMap((path) => {
      const found = /\/(\d\d)\/(\d\d)\/(\d+)-\d{20}\.jsonl\.zst$/.exec(path);
      return found ? [`${found[3]}/${found[1]}:${found[2]}`] : [];
    }),
  );
}

describe('Command: npm run console (end to end, in headless Chromium)', () => {
  let dir = '';
  let lakeConsole: RunningCommand | undefined;
  let browser: BrowserContext | undefined;
  afterAll(async () => {
    await browser?.close();
    await lakeConsole?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows every minute of a local run sealed, an object’s first records and a dead letter’s reason', async () => {
    // Prepare: a run as the README gives it, a dead letter, and the compaction of its closed hours
    dir = await mkdtemp(join(tmpdir(), 'capture-console-'));
    await run(
      'npm',
      [
        'run',
        'local',
        '--',
        '--events',
        '6000',
        '--partitions',
        '3',
        '--rate',
        '10',
        '--batch-size',
        '100',
      ].concat(['--dir', dir, '--until-drained']),
      { timeout: 300_000 },
    );
    await addDeadLetter(dir);
    const later = new Date(Date.now() + 2 * 3_600_000).toISOString();
    await run('npm', ['run', 'invoke', '--', 'compact', '--dir', dir, '--now', later], { timeout: 300_000 });
    await mkdir(SCREENSHOTS, { recursive: true });

    // Act
    const started = await startNpmCommand(
      ['run', 'console', '--', '--dir', dir, '--port', '0'],
      /http:\/\/127\.0\.0\.1:\d+\//,
    );
    lakeConsole = started.command;
    browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 900 },
    });
    const page = await browser.newPage();
    await page.goto(started.match[0]);

    // Assess: the run's three partitions are sealed in every minute the run gave them records, which
    // is every minute of its ten but perhaps the first and last (a run that starts a tenth of a second
    // before a minute ends gives that minute one record, so one partition)
    const captured = await minutesWithObjects(dir);
    const cells = page.locator('tr[data-partition="0"] td.cell');
    expect(await cells.count()).toBeGreaterThanOrEqual(10);
    for (const partition of ['0', '1', '2']) {
      const shown = await page
        .locator(`tr[data-partition="${partition}"] td.cell`)
        .evaluateAll((tds) =>
          tds.map((td) => [td.getAttribute('data-minute'), td.getAttribute('data-state')]),
        );
      expect(shown).toEqual(
        shown.map(([minute]) => [minute, captured.has(`${partition}/${minute}`) ? 'sealed' : 'empty']),
      );
      expect(shown.slice(1, -1).map(([, state]) => state)).not.toContain('empty');
    }
    await expect.poll(() => page.locator('section.dead-reason').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-lake.png') });
    await page.locator('#compaction').screenshot({ path: join(SCREENSHOTS, 'console-compaction.png') });

    // Act: open partition 0's first minute
    await page.locator('tr[data-partition="0"] td.cell a').first().click();

    // Assess: its object, its first ten records decoded from zstd JSON lines (fewer when the run
    // started late in that minute and gave it fewer)
    await page.waitForSelector('h1.object-path');
    const objectPath = (await page.locator('h1.object-path').textContent()) ?? '';
    expect(objectPath).toMatch(/^raw\/local-events\/.*\/0-0{20}\.jsonl\.zst$/);
    const objectLines = await readLines(createFsStore(dir).objects, objectPath);
    expect(objectLines.length).toBeGreaterThan(0);
    expect(await page.locator('pre.record').count()).toBe(Math.min(10, objectLines.length));
    expect(await page.locator('pre.record').first().textContent()).toContain('"partition": "0"');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-object.png') });

    // Act
    await page.goBack();

    // Assess: the dead letter, by its reason, with its coordinates and bytes
    const deadLetter = page.locator('section.dead-reason[data-reason="invalid-json"]');
    await deadLetter.waitFor();
    expect(await deadLetter.locator('h3').textContent()).toContain('invalid-json · 1 record');
    expect(await deadLetter.locator('td').allTextContents()).toEqual(
      expect.arrayContaining(['3', '0', '{"order": 17, "total": 12.5']),
    );
    await deadLetter.screenshot({ path: join(SCREENSHOTS, 'console-dead-letters.png') });
  });
});
