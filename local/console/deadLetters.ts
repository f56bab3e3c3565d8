import { decompressObject } from '../../shared/encode/decompress.js';
import type { ObjectReader } from '../../shared/store.js';
import type { MinuteGrid } from './minuteGrid.js';
import { bodyText } from './objectRecords.js';

/** One dead-lettered record: where it came from, why, and the start of its bytes. */
export interface DeadLetterEntry {
  readonly object: string;
  readonly partition: string;
  readonly offset: string;
  readonly position: number | null;
  readonly timestamp: string;
  readonly detail: string;
  /** The original bytes' start, as text when they are UTF-8. */
  readonly preview: string;
}

export interface DeadLetterReason {
  readonly reason: string;
  readonly count: number;
  /** The first entries of the reason, in object order; the count covers them all. */
  readonly entries: readonly DeadLetterEntry[];
}

const ENTRIES_PER_REASON = 20;
const PREVIEW_CHARS = 160;

/** The dead letters of the grid's minutes, grouped by reason, the most frequent first. */
export async function deadLettersByReason(
  objects: ObjectReader,
  grid: MinuteGrid,
): Promise<DeadLetterReason[]> {
  const byReason = new Map<string, { count: number; entries: DeadLetterEntry[] }>();
  const paths = grid.partitions.flatMap((row) =>
    row.cells.flatMap((cell) => cell.deadLetters.map((object) => object.path)),
  );
  for (const path of paths) {
    for (const line of await linesOf(objects, path)) {
      if (line === '') continue;
      const entry = parsedLine(path, line);
      const group = byReason.get(entry.reason) ?? { count: 0, entries: [] };
      group.count++;
      if (group.entries.length < ENTRIES_PER_REASON) group.entries.push(entry.details);
      byReason.set(entry.reason, group);
    }
  }
  return [...byReason]
    .map(([reason, { count, entries }]) => ({ reason, count, entries }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

/** The object's lines; a damaged object is one line that says so, shown under a reason of its own. */
async function linesOf(objects: ObjectReader, path: string): Promise<string[]> {
  const bytes = await objects.read(path);
  try {
    return decompressObject(path, bytes).toString('utf8').split('\n');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return [JSON.stringify({ reason: 'unreadable dead-letter object', detail })];
  }
}

/** A dead-letter line (see `deadLetterLine`); a line that is not one is shown as such, not dropped. */
function parsedLine(object: string, line: string): { reason: string; details: DeadLetterEntry } {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    value = {};
  }
  const text = (field: string) => (typeof value[field] === 'string' ? (value[field] as string) : '');
  const body = Buffer.from(text('bodyBase64'), 'base64');
  return {
    reason: text('reason') || 'not a dead-letter line',
    details: {
      object,
      partition: text('partition'),
      offset: text('offset'),
      position: typeof value.position === 'number' ? value.position : null,
      timestamp: text('timestamp'),
      detail: text('detail') || (text('reason') ? '' : clipped(line)),
      preview: clipped(bodyText(body)),
    },
  };
}

function clipped(text: string): string {
  return text.length <= PREVIEW_CHARS ? text : `${text.slice(0, PREVIEW_CHARS)}…`;
}
