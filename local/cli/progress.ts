import type { CaptureSummary } from '../../shared/pipeline/summary.js';

/**
 * A live progress line: rewritten in place on a terminal, printed every few seconds otherwise (CI logs),
 * always on stderr so stdout keeps only the final report.
 */
export function createProgress(total: number, totals: CaptureSummary, partitions: number) {
  const started = performance.now();
  const interactive = process.stderr.isTTY === true;
  let lastPrint = 0;
  const render = (delivered: number) => {
    const seconds = (performance.now() - started) / 1000;
    const deadLetters = Object.values(totals.deadLetters).reduce((sum, count) => sum + count, 0);
    return [
      `${delivered}/${total} events (${Math.floor((delivered / total) * 100)}%)`,
      `${Math.round(delivered / Math.max(seconds, 0.001))} events/s`,
      `${(totals.bytesIn / 1048576 / Math.max(seconds, 0.001)).toFixed(1)} MB/s in`,
      `${partitions} partitions`,
      `${totals.objectsSealed} objects sealed`,
      `${deadLetters} dead letters`,
    ].join(' · ');
  };
  return {
    update(delivered: number) {
      const now = performance.now();
      if (interactive && now - lastPrint > 200) process.stderr.write(`\r${render(delivered)}\x1b[K`);
      else if (!interactive && now - lastPrint > 5000) process.stderr.write(`${render(delivered)}\n`);
      else return;
      lastPrint = now;
    },
    done() {
      process.stderr.write(`${interactive ? '\r' : ''}${render(total)}\x1b[K\n`);
    },
  };
}
