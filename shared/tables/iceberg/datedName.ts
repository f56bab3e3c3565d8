import { v7 } from 'uuid';

/**
 * A unique part of a metadata file's name that also says when the file was written: a UUID of
 * version 7 (RFC 9562), whose first 48 bits are the time in milliseconds. Orphan removal reads the
 * time back (see `writtenAt`), so it can keep what a commit still in flight wrote without a listing
 * that carries times, which not every store gives.
 */
export function datedUuid(now: number): string {
  return v7({ msecs: now });
}

const VERSION_7_UUID = /([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;

/**
 * When the file a path names was written, from the `datedUuid` in its name; null for a name without
 * one (another writer's file, or one written before names were dated), whose age is unknown.
 */
export function writtenAt(path: string): number | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const found = VERSION_7_UUID.exec(name);
  return found ? Number.parseInt(`${found[1]}${found[2]}`, 16) : null;
}
