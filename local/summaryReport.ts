import type { TopicConfig } from '../shared/config/schema.js';
import { DEAD_LETTER_PREFIX, encodingOf, RAW_PREFIX } from '../shared/naming.js';
import type { CaptureSummary } from '../shared/pipeline/summary.js';
import type { LocalStore } from './localStore.js';

/** The closing report of a local run: what was written, where, and how to read it. */
export async function describeOutput(
  local: LocalStore,
  topic: TopicConfig,
  totals: CaptureSummary,
  logFile: string,
  drained: boolean,
): Promise<string> {
  const raw = await local.store.objects.list(RAW_PREFIX);
  const deadLetters = await local.store.objects.list(DEAD_LETTER_PREFIX);
  const late = raw.filter((path) => path.includes('.late.')).length;
  const reasons = Object.entries(totals.deadLetters).map(([reason, count]) => `${reason}: ${count}`);
  const lines = [
    '',
    `Captured ${totals.records} records of topic "${topic.name}" into ${local.where}`,
    `  sealed objects: ${raw.length} raw (${late} late), ${deadLetters.length} dead-letter${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
    `  bytes: ${totals.bytesIn} in, ${totals.bytesOut} out (${topic.compression})`,
    `  one log line per invocation: ${logFile}`,
  ];
  if (!drained) {
    lines.push(
      '  the newest minutes stay staged until the seal timer closes them: add --until-drained to wait for it',
    );
  }
  if (local.where.startsWith('/')) {
    const glob = `${local.where}/${RAW_PREFIX}/**/*${encodingOf(topic)}`;
    lines.push(
      '',
      'Read it with DuckDB (CLI, or @duckdb/node-api from this project):',
      `  SELECT partition, count(*) AS records, min(position), max(position)`,
      `  FROM read_json('${glob}', format = 'newline_delimited') GROUP BY partition ORDER BY partition;`,
    );
  }
  return lines.join('\n');
}
