import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startConsoleServer } from '../../../../local/console/consoleServer.js';
import { buildLakeView } from '../../../../local/console/lakeView.js';
import { readOnlyLakeOf } from '../../../../local/console/readOnlyLake.js';
import { type Lake, openLake } from '../../../../local/emulators/openLake.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';

const MINUTE = Date.UTC(2026, 10, 21, 12, 0);
const DAMAGED_RAW = 'raw/orders/2026/11/21/12/01/0-00000000000000000007.jsonl.gz';
const DAMAGED_DEAD_LETTERS = 'deadletter/orders/2026/11/21/12/01/0-00000000000000000008.jsonl.gz';

describe('Console: damaged objects', () => {
  let lake: Lake;
  afterAll(() => lake.close());

  it('shows a damaged object as unreadable and the rest of the lake as it is', async () => {
    // Prepare: a sealed minute, then two objects whose bytes are not gzip, as a damaged disk leaves them
    lake = await openLake('fs');
    let now = MINUTE + 30_000;
    const topic = topicConfig();
    const context: CaptureContext = { topic, store: lake.store, clock: () => now };
    await ingestBatch(context, [makeRecord({ brokerTime: MINUTE })]);
    now += 5 * 60_000;
    await sealIdlePartitions(context);
    for (const path of [DAMAGED_RAW, DAMAGED_DEAD_LETTERS]) {
      await mkdir(dirname(join(lake.where, path)), { recursive: true });
      await writeFile(join(lake.where, path), 'not gzip at all');
    }
    const source = {
      lake: readOnlyLakeOf(lake.store),
      topic,
      where: lake.where,
      logFile: null,
      hours: 1,
      cache: new Map(),
      clock: () => Date.UTC(2026, 10, 21, 14, 30),
    };

    // Act
    const view = await buildLakeView(source);
    const running = await startConsoleServer(source);
    const page = await fetch(`${running.url}object?path=${encodeURIComponent(DAMAGED_RAW)}`);
    await running.close();

    // Assess
    const [sealed, damaged] = view.grid.partitions[0]?.cells ?? [];
    expect(sealed?.objects.map((object) => [object.records, object.unreadable])).toEqual([[1, null]]);
    expect(damaged?.objects).toEqual([
      { path: DAMAGED_RAW, bytes: 15, records: 0, late: false, unreadable: expect.stringMatching(/header/) },
    ]);
    expect(view.deadLetters.map((reason) => reason.reason)).toEqual(['unreadable dead-letter object']);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('unreadable');
  });
});
