import { describe, expect, it } from 'vitest';
import { cutTriggerBatches, type TriggerSettings } from '../../../../../local/bench/bill/triggerBatches.js';

/** `count` records, one every `everyMs`, each adding `bytes` to the payload. */
const arriving = (count: number, everyMs: number, bytes = 1) =>
  Array.from({ length: count }, (_, index) => ({ arrivalMs: index * everyMs, payloadBytes: bytes }));

const eventHubs: TriggerSettings = {
  maxRecords: 10,
  minRecords: 4,
  maxWaitSeconds: 1,
  maxPayloadBytes: Number.POSITIVE_INFINITY,
};

describe('Function: cutTriggerBatches', () => {
  it('sends a batch as soon as the minimum waits when records come faster than the wait', () => {
    // Act
    const batches = cutTriggerBatches(arriving(8, 100), eventHubs);

    // Assess
    expect(batches).toEqual([
      { first: 0, end: 4, deliveredMs: 300 },
      { first: 4, end: 8, deliveredMs: 700 },
    ]);
  });

  it('sends a partial batch when the wait runs out first', () => {
    // Act
    const batches = cutTriggerBatches(arriving(3, 400), eventHubs);

    // Assess
    expect(batches).toEqual([{ first: 0, end: 3, deliveredMs: 1000 }]);
  });

  it('cuts at the payload cap, as Lambda does at 6 MB', () => {
    // Prepare
    const lambda: TriggerSettings = {
      maxRecords: 100,
      minRecords: 100,
      maxWaitSeconds: 60,
      maxPayloadBytes: 25,
    };

    // Act
    const batches = cutTriggerBatches(arriving(6, 10, 10), lambda);

    // Assess
    expect(batches.map(({ first, end }) => [first, end])).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
  });
});
