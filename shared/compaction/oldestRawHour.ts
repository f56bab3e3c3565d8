import type { TopicConfig } from '../config/schema.js';
import { objectPathOf } from '../paths/lakePaths.js';
import type { ObjectStore } from '../store.js';
import { minuteOf } from '../time.js';
import { hourOf } from './hours.js';
import { probeObject } from './rawObjects.js';

/**
 * A time whose every digit differs, field by field, from the probe for that field below: the layout's
 * path at this time and at each probe differ exactly where that field's digits are, since every
 * layout writes times as fixed-width numbers and the rest of a path does not depend on the time.
 */
const BASE_TIME = Date.UTC(2001, 0, 1, 1, 1);
const FIELD_PROBES = {
  year: Date.UTC(1990, 0, 1, 1, 1),
  month: Date.UTC(2001, 11, 1, 1, 1),
  day: Date.UTC(2001, 0, 22, 1, 1),
  hour: Date.UTC(2001, 0, 1, 12, 1),
  minute: Date.UTC(2001, 0, 1, 1, 23),
} as const;
type TimeField = keyof typeof FIELD_PROBES;
/** Each field's digits in a path; a template may repeat a token (`{yyyy}/{yyyy}{MM}`), read once. */
const FIELD_WIDTHS: Readonly<Record<TimeField, number>> = { year: 4, month: 2, day: 2, hour: 2, minute: 2 };

/**
 * The oldest hour (hours since the epoch) any raw data object of the partitions names, or null when
 * there is none: where a partition group's first compaction run starts, so a topic captured before
 * compaction was deployed is compacted from its first hour, as Auto Loader includes existing files.
 * It lists every raw object of the topic once, which is why only a group's first run asks.
 */
export async function oldestRawHour(
  objects: ObjectStore,
  topic: TopicConfig,
  partitions: readonly string[],
): Promise<number | null> {
  const listings = new Map<string, Promise<string[]>>();
  let oldest: number | null = null;
  for (const partition of partitions) {
    const shape = timeShapeOf(topic, partition);
    if (shape === null) continue;
    let listing = listings.get(shape.folder);
    if (listing === undefined) {
      listing = objects.list(shape.folder);
      listings.set(shape.folder, listing);
    }
    for (const path of await listing) {
      const hour = hourNamedBy(path, shape);
      if (hour !== null && (oldest === null || hour < oldest)) oldest = hour;
    }
  }
  return oldest;
}

/** Where a partition's paths hold each time field, and the text around them. */
interface TimeShape {
  /** The deepest folder above every time field: one listing finds all the partition's objects. */
  readonly folder: string;
  /** The path at `BASE_TIME`, whose characters outside the time fields every object shares. */
  readonly base: string;
  readonly fields: Readonly<Record<TimeField, readonly number[]>>;
  readonly timePositions: ReadonlySet<number>;
  /**
   * How far every object of the partition shares `base`: past the time fields up to the first text
   * that depends on the object (its position), or up to and including the first `.` or `-` there,
   * where a late object's name may have the other (`00.avro`, `00-<first>.late.avro`). Whatever
   * names the partition after the time (`/3-`, `+3+`) is inside, so partition 3 is not partition 30.
   */
  readonly sharedUpTo: number;
}

/** A position no object starts at, as wide as any: where a name stops depending on the partition. */
const WIDEST_POSITION = 10 ** 19;
const SEPARATORS: ReadonlySet<string> = new Set(['.', '-']);

function timeShapeOf(topic: TopicConfig, partition: string): TimeShape | null {
  const pathAt = (time: number, first = 0) =>
    objectPathOf(topic, partition)(probeObject(topic, 'data', minuteOf(time), first));
  const base = pathAt(BASE_TIME);
  const fields = {} as Record<TimeField, number[]>;
  const timePositions = new Set<number>();
  for (const [field, time] of Object.entries(FIELD_PROBES) as [TimeField, number][]) {
    const other = pathAt(time);
    const positions: number[] = [];
    for (let index = 0; index < base.length; index++) if (base[index] !== other[index]) positions.push(index);
    // A layout without this field cannot date an hour; the config's layout rules require it anyway.
    if (positions.length < FIELD_WIDTHS[field] || other.length !== base.length) return null;
    fields[field] = positions.slice(0, FIELD_WIDTHS[field]);
    for (const position of positions) timePositions.add(position);
  }
  const all = [...timePositions];
  const elsewhere = pathAt(BASE_TIME, WIDEST_POSITION);
  let sharedUpTo = Math.max(...all) + 1;
  while (sharedUpTo < base.length && base[sharedUpTo] === elsewhere[sharedUpTo]) {
    sharedUpTo++;
    if (SEPARATORS.has(base[sharedUpTo - 1] as string)) break;
  }
  return {
    folder: base.slice(0, base.lastIndexOf('/', Math.min(...all)) + 1),
    base,
    fields,
    timePositions,
    sharedUpTo,
  };
}

/** The hour a listed path names in the partition's shape, or null for a path of another shape. */
function hourNamedBy(path: string, shape: TimeShape): number | null {
  if (path.length < shape.sharedUpTo) return null;
  const last = shape.sharedUpTo - 1;
  for (let index = 0; index <= last; index++) {
    const character = path[index] as string;
    const expected = shape.base[index] as string;
    const matches = shape.timePositions.has(index)
      ? isDigit(character)
      : character === expected || (index === last && SEPARATORS.has(expected) && SEPARATORS.has(character));
    if (!matches) return null;
  }
  const value = (field: TimeField) => Number(shape.fields[field].map((index) => path[index]).join(''));
  const [year, month, day, hour] = [value('year'), value('month'), value('day'), value('hour')];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23) return null;
  const start = Date.UTC(year, month - 1, day, hour);
  return Number.isFinite(start) ? hourOf(start) : null;
}

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}
