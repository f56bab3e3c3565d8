import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsoleServer } from '../../../../local/console/consoleServer.js';
import { readOnlyLakeOf } from '../../../../local/console/readOnlyLake.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { freshFsStore } from '../../../helpers/freshStores.js';

const MINUTE = Date.UTC(2026, 10, 21, 12, 0);
const BODY = '{"name":"<b>bold</b>"}';

describe('Console: the server', () => {
  let running: RunningConsole;
  let objectPath = '';
  beforeAll(async () => {
    let now = MINUTE + 30_000;
    const topic = topicConfig();
    const context: CaptureContext = { topic, store: await freshFsStore(), clock: () => now };
    await ingestBatch(context, [makeRecord({ brokerTime: MINUTE, body: Buffer.from(BODY) })]);
    now += 5 * 60_000;
    await sealIdlePartitions(context);
    objectPath = (await context.store.objects.list('raw/'))[0] ?? '';
    running = await startConsoleServer({
      lake: readOnlyLakeOf(context.store),
      topic,
      where: 'a test lake',
      logFile: null,
      hours: 1,
      cache: new Map(),
      clock: () => Date.UTC(2026, 10, 21, 14, 30),
    });
  });
  afterAll(() => running.close());

  it('listens on the loopback interface only', () => {
    // Assess
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page, with a policy that lets no script run, and the view as JSON', async () => {
    // Act
    const page = await fetch(running.url);
    const view = await fetch(`${running.url}lake.json`);

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain(`/object?path=${encodeURIComponent(objectPath)}`);
    expect(((await view.json()) as { grid: { partitions: unknown[] } }).grid.partitions).toHaveLength(1);
  });

  it('shows an object’s records escaped', async () => {
    // Act
    const response = await fetch(`${running.url}object?path=${encodeURIComponent(objectPath)}`);

    // Assess
    const text = await response.text();
    expect(text).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(text).not.toContain('<b>bold');
  });

  it.each([
    ['the ledger', '_ledger/orders/0.json'],
    ['staging', '_staging/orders/0/data/1/x.jsonl.gz'],
    ['a path that climbs out of the lake', 'raw/../../../../../../etc/passwd'],
  ])('refuses to show %s', async (_, path) => {
    // Act
    const response = await fetch(`${running.url}object?path=${encodeURIComponent(path)}`);

    // Assess
    expect(response.status).toBe(404);
  });

  it('refuses a request naming another host, as a page of another site rebound to 127.0.0.1 would', async () => {
    // Act
    const statusFor = (host: string) =>
      new Promise<number | undefined>((done, fail) => {
        const sent = request(`${running.url}lake.json`, { headers: { host } }, (response) => {
          response.resume();
          done(response.statusCode);
        });
        sent.once('error', fail);
        sent.end();
      });
    const port = new URL(running.url).port;

    // Assess
    expect(await statusFor(`attacker.example:${port}`)).toBe(403);
    expect(await statusFor(`localhost:${port}`)).toBe(200);
  });

  it('answers anything but GET with 405', async () => {
    // Act
    const response = await fetch(running.url, { method: 'POST', body: 'x' });

    // Assess
    expect(response.status).toBe(405);
  });
});
