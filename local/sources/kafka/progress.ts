import type { CaptureSummary } from '../../../shared/pipeline/summary.js';

/** The rate shown is over the last few seconds, so it drops to zero when the topic goes quiet. */
const RATE_WINDOW_MS = 5_000;

export interface KafkaProgress {
  /** Shows the line if it is time to: every 200 ms on a terminal, every 5 s otherwise (CI logs). */
  update(records: number, lag: ReadonlyMap<number, number>): void;
  /** A message of its own (a retried batch, a failed commit), without garbling the live line. */
  note(message: string): void;
  /** The last line, always printed. */
  done(records: number, lag: ReadonlyMap<number, number>): void;
}

/**
 * The live line of `npm run local -- --source kafka`, on stderr so stdout keeps only the final
 * report: records delivered to the function and their rate, the group's lag per partition (records
 * not yet committed), objects sealed and dead letters.
 */
export function createKafkaProgress(topic: string, totals: CaptureSummary): KafkaProgress {
  const interactive = process.stderr.isTTY === true;
  const samples: { at: number; records: number }[] = [{ at: performance.now(), records: 0 }];
  let lastPrint = 0;
  const render = (records: number, lag: ReadonlyMap<number, number>) => {
    const now = performance.now();
    samples.push({ at: now, records });
    // Keep one sample at or before the window's start, so the rate always spans a whole window.
    while (samples.length > 2 && (samples[1] as { at: number }).at <= now - RATE_WINDOW_MS) samples.shift();
    const oldest = samples[0] as { at: number; records: number };
    const seconds = Math.max((now - oldest.at) / 1000, 0.001);
    const deadLetters = Object.values(totals.deadLetters).reduce((sum, count) => sum + count, 0);
    const lags = [...lag].sort(([a], [b]) => a - b).map(([partition, behind]) => `p${partition} ${behind}`);
    return [
      `${topic}: ${records} records`,
      `${Math.round((records - oldest.records) / seconds)} records/s`,
      `lag ${lags.length > 0 ? lags.join(', ') : '(no partitions yet)'}`,
      `${totals.objectsSealed} objects sealed`,
      `${deadLetters} dead letters`,
    ].join(' · ');
  };
  return {
    update(records, lag) {
      const now = performance.now();
      if (interactive && now - lastPrint > 200) process.stderr.write(`\r${render(records, lag)}\x1b[K`);
      else if (!interactive && now - lastPrint > 5000) process.stderr.write(`${render(records, lag)}\n`);
      else return;
      lastPrint = now;
    },
    note(message) {
      process.stderr.write(`${interactive ? '\r\x1b[K' : ''}${message}\n`);
      lastPrint = 0;
    },
    done(records, lag) {
      process.stderr.write(`${interactive ? '\r' : ''}${render(records, lag)}\x1b[K\n`);
    },
  };
}
