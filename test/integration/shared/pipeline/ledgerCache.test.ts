import { afterEach, describe, expect, inject, it } from 'vitest';
import { type Lake, type LakeKind, openLake } from '../../../../local/emulators/openLake.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { readLines } from '../../../helpers/lakeReader.js';

const MINUTE = Date.UTC(2026, 10, 21, 12, 0, 0);
const topic = topicConfig({ sealDelaySeconds: 60 });

/** Records `from` to `to` (inclusive) of partition 0, all in the minute starting at `minute`. */
const batch = (from: number, to: number, minute = MINUTE) =>
  Array.from({ length: to - from + 1 }, (_, index) =>
    makeRecord({ position: from + index, brokerTime: minute + 1_000 + index }),
  );

/** The same store, with its ledger reads counted: the object the instance's cache belongs to. */
function countingLedgerReads(store: CaptureStore): { store: CaptureStore; reads: () => number } {
  let reads = 0;
  const ledger = {
    read: (topicName: string, partition: string) => {
      reads += 1;
      return store.ledger.read(topicName, partition);
    },
    write: store.ledger.write.bind(store.ledger),
    partitions: store.ledger.partitions.bind(store.ledger),
  };
  return { store: { objects: store.objects, ledger }, reads: () => reads };
}

async function positionsInLake(store: CaptureStore): Promise<number[]> {
  const lines = await readLines(store.objects, 'raw');
  return lines.map(({ value }) => (value as { position: number }).position).sort((a, b) => a - b);
}

const LAKES: LakeKind[] = ['fs', 'azurite', 's3'];

describe.each(LAKES)('Ledger cache: an instance decides from the ledger it last wrote (%s)', (kind) => {
  let lake: Lake | undefined;
  const open = async () => {
    lake = await openLake(kind, {
      emulators: {
        azuriteConnectionString: inject('azuriteConnectionString'),
        s3Endpoint: inject('s3Endpoint'),
      },
    });
    return lake;
  };
  afterEach(async () => {
    await lake?.close();
    lake = undefined;
  });

  it('reads the ledger once for a run of batches on one instance', async () => {
    // Prepare
    const { store, reads } = countingLedgerReads((await open()).store);
    const context = { topic, store, clock: () => MINUTE + 5_000 };

    // Act
    await ingestBatch(context, batch(0, 9));
    await ingestBatch(context, batch(10, 19));
    await ingestBatch(context, batch(20, 29));

    // Assess
    expect(reads()).toBe(1);
  });

  it('keeps every record once when another instance writes the ledger between two batches of this one', async () => {
    // Prepare
    const opened = await open();
    const first = { topic, store: opened.store, clock: () => MINUTE + 5_000 };
    const second = { topic, store: await opened.reopen(), clock: () => MINUTE + 6_000 };
    await ingestBatch(first, batch(0, 9));

    // Act: the other instance moves the ledger on; this one then delivers the other's batch again
    // (a redelivery it cannot tell from its stale memory) and the next one.
    await ingestBatch(second, batch(10, 19));
    const redelivered = await ingestBatch(first, batch(10, 19));
    const next = await ingestBatch(first, batch(20, 29));
    await sealIdlePartitions({ topic, store: await opened.reopen(), clock: () => MINUTE + 3_600_000 });

    // Assess
    expect(redelivered.redelivered).toBe(10);
    expect(next.ledgerConflicts).toBe(0);
    expect(await positionsInLake(opened.store)).toEqual(Array.from({ length: 30 }, (_, index) => index));
  });

  it('seals a minute another instance opened, though its own cached ledger has nothing open', async () => {
    // Prepare: this instance seals the first minute itself, so its memory holds a ledger with nothing open.
    const opened = await open();
    let now = MINUTE + 5_000;
    const timerInstance = { topic, store: opened.store, clock: () => now };
    await ingestBatch(timerInstance, batch(0, 9));
    now = MINUTE + 3 * 60_000;
    await sealIdlePartitions(timerInstance);
    const other = { topic, store: await opened.reopen(), clock: () => now };
    await ingestBatch(other, batch(10, 19, MINUTE + 60 * 60_000));

    // Act
    now = MINUTE + 64 * 60_000;
    const sealed = await sealIdlePartitions(timerInstance);

    // Assess
    expect(sealed.objectsSealed).toBe(1);
    expect(await positionsInLake(opened.store)).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });
});
