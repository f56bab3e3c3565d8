import { createHash } from 'node:crypto';
import { STAGING_PREFIX } from '../paths/lakePaths.js';
import { pathSegment } from '../paths/pathSegment.js';
import type { ObjectStore } from '../store.js';
import { HOUR_MS, hourOf } from './hours.js';

/**
 * How many hours back every compaction run looks for closed hours and late objects. An object that
 * arrives later than this after its hour (a producer's old timestamps, a body time in the past) is
 * not found by looking back: its sealer leaves a marker (see {@link markLateObject}) that sends the
 * next run to that hour.
 */
export const LATE_LOOKBACK_HOURS = 24;

/** Markers live with the staging area: invisible to readers, and deletable by compaction. */
function markersFolder(topic: string): string {
  return `${STAGING_PREFIX}/compaction-late/${pathSegment(topic)}/`;
}

/** True when a late object of this minute falls outside what a compaction run at `now` looks back on. */
export function lateBeyondLookback(minute: number, now: number): boolean {
  return hourOf(minute * 60_000) < hourOf(now) - LATE_LOOKBACK_HOURS;
}

/**
 * Leaves the marker of a late object too old for the lookback: staged (durable, invisible) before
 * the object is published, so a crash between the two leaves a marker and never an object no run
 * will look for. Its name comes from the object's path, so marking twice writes the same marker.
 */
export async function markLateObject(
  objects: ObjectStore,
  topic: string,
  objectPath: string,
  minute: number,
): Promise<void> {
  const hour = new Date(hourOf(minute * 60_000) * HOUR_MS).toISOString();
  const digest = createHash('sha256').update(objectPath).digest('hex').slice(0, 24);
  await objects.stage(`${markersFolder(topic)}${hour}/${digest}`, Buffer.from(objectPath));
}

/** The hours markers send the run to, each with its markers' paths (for {@link clearMarkers}). */
export async function markedHours(objects: ObjectStore, topic: string): Promise<Map<number, string[]>> {
  const folder = markersFolder(topic);
  const hours = new Map<number, string[]>();
  for (const path of await objects.list(folder)) {
    const hour = Date.parse(path.slice(folder.length, path.indexOf('/', folder.length)));
    if (Number.isNaN(hour)) continue;
    const key = hour / HOUR_MS;
    hours.set(key, [...(hours.get(key) ?? []), path]);
  }
  return hours;
}

/** Removes markers once their hour is complete: every object of it committed, nothing pending. */
export async function clearMarkers(objects: ObjectStore, paths: readonly string[]): Promise<void> {
  if (paths.length > 0) await objects.deleteStaged(paths);
}
