import { CaptureError } from '../errors.js';
import type { ObjectReader, ObjectStore } from '../store.js';
import { HOUR_MS } from './hours.js';
import { tableRootOf } from './tableLayout.js';
import { hourIso } from './unitPaths.js';

const WATERMARK_FORMAT = 'stream-capture.compaction-watermark/1';

/**
 * How far a partition group's compaction is known complete: every hour before `completeBefore` had
 * all its raw objects committed to the table when a run last looked. Kept per (topic, group) so a run
 * after an outage longer than the lookback starts where the group stopped, not a day back.
 */
interface WatermarkFile {
  readonly format: typeof WATERMARK_FORMAT;
  readonly topic: string;
  readonly group: string;
  readonly completeBefore: string;
}

/** A control object of the table (`_watermarks/<group>.json`), replaced as the group moves on. */
export function watermarkPath(topic: string, group: string): string {
  return `${tableRootOf(topic)}_watermarks/${group}.json`;
}

/** The first hour (hours since the epoch) the group has not completed, or null before its first run. */
export async function readWatermark(
  objects: ObjectReader,
  topic: string,
  group: string,
): Promise<number | null> {
  const path = watermarkPath(topic, group);
  if (!(await objects.list(path)).includes(path)) return null;
  const file = JSON.parse((await objects.read(path)).toString('utf8')) as Partial<WatermarkFile>;
  const hour = typeof file.completeBefore === 'string' ? Date.parse(file.completeBefore) : Number.NaN;
  if (file.format !== WATERMARK_FORMAT || Number.isNaN(hour)) {
    throw new CaptureError(
      `${path} is not a compaction watermark of format ${WATERMARK_FORMAT}: delete it, and the next run starts again at the topic's oldest raw hour, passing over the units the table holds`,
      { retriable: false },
    );
  }
  return hour / HOUR_MS;
}

/**
 * Records that every hour before `hour` is complete. Two runs of a group may race here; the slower
 * can only set the mark back to an hour it verified itself, which costs a later run some listings,
 * never an hour.
 */
export async function writeWatermark(
  objects: ObjectStore,
  topic: string,
  group: string,
  hour: number,
): Promise<void> {
  const file: WatermarkFile = { format: WATERMARK_FORMAT, topic, group, completeBefore: hourIso(hour) };
  await objects.replace(watermarkPath(topic, group), Buffer.from(`${JSON.stringify(file)}\n`));
}
