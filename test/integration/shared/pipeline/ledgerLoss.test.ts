import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { TableClient } from '@azure/data-tables';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { repairLedger } from '../../../../local/cli/ledgerOperations.js';
import { LAKE_KINDS, type Lake, type LakeKind, openLake } from '../../../../local/emulators/openLake.js';
import { LedgerMissingError } from '../../../../shared/errors.js';
import type { CaptureContext } from '../../../../shared/pipeline/context.js';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import { s3ClientFor } from '../../../../shared/stores/s3/createS3Store.js';
import { auditDelivery } from '../../../helpers/deliveryAudit.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';

const MINUTE = 60_000;
/** Minute 5 of an hour: the seal timer's run that looks for lost ledgers. */
const T0 = Date.UTC(2026, 10, 21, 12, 5, 0);
const emulators = {
  azuriteConnectionString: inject('azuriteConnectionString'),
  s3Endpoint: inject('s3Endpoint'),
};
const lakes: Lake[] = [];
afterAll(async () => {
  for (const lake of lakes) await lake.close();
});

/** Deletes a partition's ledger the way a person or a lifecycle rule would, past the store. */
async function deleteLedger(lake: Lake, topic: string, partition: string): Promise<void> {
  if (lake.kind === 'fs') await rm(join(lake.where, '_ledger', topic, partition), { recursive: true });
  else if (lake.kind === 'azurite')
    await TableClient.fromConnectionString(emulators.azuriteConnectionString, lake.storage.ledgerTable, {
      allowInsecureConnection: true,
    }).deleteEntity(topic, partition);
  else {
    const client = s3ClientFor({ endpoint: emulators.s3Endpoint });
    await client.send(
      new DeleteObjectCommand({ Bucket: lake.storage.container, Key: `_ledger/${topic}/${partition}.json` }),
    );
    client.destroy();
  }
}

const batch = (first: number, count: number, time: number) =>
  Array.from({ length: count }, (_, index) =>
    makeRecord({ position: first + index, brokerTime: time + index * 100 }),
  );

describe.each(LAKE_KINDS)('A ledger lost mid-stream, on %s', (kind: LakeKind) => {
  it('holds the partition, is rebuilt by repair-ledger, and leaves every record in exactly one object', async () => {
    // Prepare: two batches captured, the first minute sealed, the second still staged; then the ledger goes
    const lake = await openLake(kind, { emulators });
    lakes.push(lake);
    const topic = topicConfig({ name: 'orders', jsonl: { envelope: true } });
    let now = T0;
    const context: CaptureContext = { topic, store: lake.store, clock: () => now };
    await ingestBatch(context, batch(0, 50, T0 - 3 * MINUTE));
    await ingestBatch(context, batch(50, 50, T0 - 1 * MINUTE));
    await deleteLedger(lake, 'orders', '0');

    // Act 1: the platform delivers the next batch, from its checkpoint
    const next = batch(100, 50, T0);
    const held = ingestBatch(context, next);

    // Assess 1: held, naming the command; the hourly check of the seal timer finds it too
    await expect(held).rejects.toThrow(LedgerMissingError);
    await expect(held).rejects.toThrow('npm run invoke -- repair-ledger --topic orders --partition 0');
    now = T0 + 30_000;
    expect((await sealIdlePartitions(context)).ledgersLost).toEqual([
      { partition: '0', stagedFiles: expect.any(Number) },
    ]);

    // Act 2: the operator rebuilds it; the platform's retry of the batch goes through; then all is sealed
    const report = await repairLedger(context, '0', { now, hours: 48 });
    await ingestBatch(context, next);
    now += 60 * MINUTE;
    await sealIdlePartitions(context);

    // Assess 2: positions 0 to 149, each once, in sealed objects only
    expect(report).toContain('staged through position');
    await auditDelivery(
      lake.direct,
      'orders',
      Array.from({ length: 150 }, (_, offset) => ({ partition: 0, offset })),
    );
  });
});
