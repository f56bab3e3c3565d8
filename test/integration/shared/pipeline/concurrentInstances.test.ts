import { describe, expect, it } from 'vitest';
import { ingestBatch } from '../../../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../../../shared/pipeline/sealTimer.js';
import type { CaptureStore } from '../../../../shared/store.js';
import { makeRecord, topicConfig } from '../../../helpers/factories.js';
import { FRESH_STORES } from '../../../helpers/freshStores.js';
import { readLines } from '../../../helpers/lakeReader.js';

const MINUTE = Date.UTC(2026, 10, 21, 12, 0, 0);

describe.each(FRESH_STORES)(
  'Rebalance: two instances ingest one partition on the %s store',
  (_name, makeStore) => {
    it('keeps each record once when the loser stages different bytes for the same positions after the winner', async () => {
      // Prepare: record 1 has no broker time, so each instance places it by its own arrival time: the
      // first instance in the same minute as records 0 and 2, the second a minute later.
      const store = await makeStore();
      const topic = topicConfig({ sealDelaySeconds: 60 });
      const batch = [
        makeRecord({ position: 0, brokerTime: MINUTE + 1_000 }),
        makeRecord({ position: 1, brokerTime: Number.NaN }),
        makeRecord({ position: 2, brokerTime: MINUTE + 2_000 }),
      ];
      let releaseFirst = () => {};
      const firstMayStage = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      const heldStore: CaptureStore = {
        ledger: store.ledger,
        objects: {
          ...store.objects,
          stage: async (path, body) => {
            await firstMayStage;
            return store.objects.stage(path, body);
          },
          publish: store.objects.publish.bind(store.objects),
          deleteStaged: store.objects.deleteStaged.bind(store.objects),
          list: store.objects.list.bind(store.objects),
          read: store.objects.read.bind(store.objects),
        },
      };

      // Act: the first instance reads the ledger and is held before staging; the second runs to the end;
      // then the first stages and tries to record what it staged.
      const first = ingestBatch({ topic, store: heldStore, clock: () => MINUTE + 3_000 }, batch);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await ingestBatch({ topic, store, clock: () => MINUTE + 61_000 }, batch);
      releaseFirst();
      await first;
      await sealIdlePartitions({ topic, store, clock: () => MINUTE + 3_600_000 });

      // Assess
      const positions = (await readLines(store.objects, 'raw')).map(
        ({ value }) => (value as { position: number }).position,
      );
      expect(positions.sort((a, b) => a - b)).toEqual([0, 1, 2]);
    });
  },
);
