/**
 * Names in a Delta table's `_delta_log/` folder (PROTOCOL.md, "Delta Log Entries", "Checkpoints",
 * "Last Checkpoint File"). Versions are zero-padded to 20 digits, so names sort as versions do and the
 * ten versions `n0`…`n9` share a 19-digit prefix: a listing of that prefix finds a decade of the log
 * without listing the whole folder, which only grows.
 */

const VERSION_DIGITS = 20;

/** A table's root, like `compacted/orders/`: everything of the table is under it. */
export type TableRoot = string;

function logFolder(root: TableRoot): string {
  return `${root}_delta_log/`;
}

function padded(version: number): string {
  return String(version).padStart(VERSION_DIGITS, '0');
}

/** The commit file of a version: created once, never replaced, by whoever commits that version. */
export function commitPath(root: TableRoot, version: number): string {
  return `${logFolder(root)}${padded(version)}.json`;
}

/** A classic (single-file, V1 spec) checkpoint of a version. */
export function checkpointPath(root: TableRoot, version: number): string {
  return `${logFolder(root)}${padded(version)}.checkpoint.parquet`;
}

/** Where readers look first: the version of the newest checkpoint. */
export function lastCheckpointPath(root: TableRoot): string {
  return `${logFolder(root)}_last_checkpoint`;
}

/** The listing prefix of versions `10 * decade` to `10 * decade + 9` (commits, checkpoints, checksums). */
export function decadePrefix(root: TableRoot, decade: number): string {
  return `${logFolder(root)}${padded(decade * 10).slice(0, VERSION_DIGITS - 1)}`;
}

const COMMIT_NAME = /\/(\d{20})\.json$/;

/** The version a commit file's path names, or null for any other file of the log. */
export function commitVersionOf(path: string): number | null {
  const match = COMMIT_NAME.exec(path);
  return match ? Number(match[1]) : null;
}

/** The store path of a file an `add` action names (relative to the table's root, URI-encoded). */
export function tableObjectPath(root: TableRoot, addPath: string): string {
  return `${root}${decodeURI(addPath)}`;
}
