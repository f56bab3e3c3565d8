import type { CompactionSummary } from '../../shared/compaction/compactionSummary.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { encodingOf, fileExtensionOf } from '../../shared/encode/encodings.js';
import { COMPACTED_PREFIX, DEAD_LETTER_PREFIX, RAW_PREFIX } from '../../shared/paths/lakePaths.js';
import type { CaptureSummary } from '../../shared/pipeline/summary.js';
import type { Lake } from '../emulators/openLake.js';

/** The closing report of a local run: what was written, where, and how to read it. */
export async function describeOutput(
  lake: Pick<Lake, 'kind' | 'store' | 'where'>,
  topic: TopicConfig,
  totals: CaptureSummary,
  logFile: string,
  drained: boolean,
): Promise<string> {
  const raw = await lake.store.objects.list(RAW_PREFIX);
  const deadLetters = await lake.store.objects.list(DEAD_LETTER_PREFIX);
  const late = raw.filter((path) => path.includes('.late.')).length;
  const reasons = Object.entries(totals.deadLetters).map(([reason, count]) => `${reason}: ${count}`);
  const lines = [
    '',
    `Captured ${totals.records} records of topic "${topic.name}" into ${lake.where}`,
    `  sealed objects: ${raw.length} raw (${late} late), ${deadLetters.length} dead-letter${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
    `  bytes: ${totals.bytesIn} in, ${totals.bytesOut} out (${topic.compression})`,
    `  one log line per invocation: ${logFile}`,
  ];
  if (!drained) {
    lines.push(
      '  the newest minutes stay staged until the seal timer closes them: add --until-drained to wait for it',
    );
  }
  if (lake.kind === 'fs' && raw.length > 0) {
    lines.push(
      '',
      ...readingHint(topic, `${lake.where}/${RAW_PREFIX}/**/*${fileExtensionOf(encodingOf(topic))}`),
    );
  }
  return lines.join('\n');
}

/** How to read the raw objects of the topic's format, with a tool a reader of the lake has at hand. */
function readingHint(topic: TopicConfig, glob: string): string[] {
  switch (topic.format) {
    case 'jsonl':
      return [
        'Read it with DuckDB (installed with this project, no CLI needed):',
        topic.jsonl.envelope
          ? `  npm run query -- "SELECT partition, count(*) AS records, min(position), max(position) FROM read_json('${glob}', format = 'newline_delimited') GROUP BY partition ORDER BY partition"`
          : `  npm run query -- "SELECT count(*) AS records FROM read_json('${glob}', format = 'newline_delimited')"`,
      ];
    case 'avro-capture':
      return [
        "Event Hubs Capture's Avro: read it as Capture's files, e.g. with DuckDB's avro extension",
        `  INSTALL avro; LOAD avro;`,
        `  SELECT count(*) AS records, min(SequenceNumber), max(SequenceNumber) FROM read_avro('${glob}');`,
        "or Spark's spark.read.format('avro'), or Python's avro.datafile.DataFileReader as in Microsoft's Capture samples.",
      ];
    case 'raw':
      return topic.raw.delimiter === 'newline'
        ? ['Each line is one body as it came (decompress first):', `  ${glob}`]
        : [
            'Each body follows its length as a 4-byte big-endian unsigned integer (decompress first):',
            `  ${glob}`,
          ];
  }
}

/**
 * What the runner's hourly compaction schedule did, and where its files are. `closesAt` is a time at
 * which every hour of the run is closed, and `lakeArguments` the options that name the run's lake and
 * topic to `npm run invoke` (null when it cannot name the topic): the command shown compacts them.
 */
export function describeCompaction(
  summary: CompactionSummary,
  closesAt: number,
  lakeArguments: readonly string[] | null,
  table: TopicConfig['compaction']['table'],
): string {
  if (summary.hoursCompacted === 0) {
    const at = new Date(closesAt).toISOString();
    const how =
      lakeArguments === null
        ? `its hours are closed at ${at}`
        : `npm run invoke -- compact --now ${at}${lakeArguments.map((argument) => ` ${argument}`).join('')} compacts them`;
    return `  compaction: no closed hour yet (${summary.hoursWaiting} waiting); ${how}`;
  }
  return (
    `  compaction: ${summary.hoursCompacted} hours into ${summary.filesWritten} Parquet files ` +
    `(${summary.rowsWritten} rows) under ${COMPACTED_PREFIX}/, ${table === 'iceberg' ? 'an Iceberg' : 'a Delta'} table per topic`
  );
}
