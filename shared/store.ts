import type { PartitionLedger } from './ledger.js';

/** What `publish` found: it made the object visible, or the object was already there (same content). */
export type PublishOutcome = 'created' | 'exists';

/**
 * Below this many bytes, a cloud store reads an object's staged segments back and writes the object
 * in one request (one billed write); from it on, in parts or blocks. The bound is what one publish
 * holds in memory.
 */
export const SINGLE_WRITE_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Object storage as the pipeline needs it. Implementations: local filesystem, Azure Blob, S3.
 *
 * - `stage` is durable and invisible to readers of the lake; staging the same path twice with the same
 *   bytes is harmless (names are deterministic, so a redelivery restages identical content).
 * - `publish` makes the concatenation of staged segments visible under `path` atomically and only if
 *   nothing is there yet: a visible object is never rewritten.
 */
export interface ObjectStore {
  stage(path: string, body: Buffer): Promise<void>;
  publish(path: string, stagedPaths: readonly string[]): Promise<PublishOutcome>;
  /** Removes staged segments once no ledger refers to them; missing paths are ignored. */
  deleteStaged(paths: readonly string[]): Promise<void>;
  /**
   * Removes metadata files an Iceberg table's maintenance found unreferenced (expired snapshots'
   * manifest lists, superseded metadata): only those (see `assertTableMetadataPath`), never data;
   * missing paths are ignored.
   */
  deleteTableMetadata(paths: readonly string[]): Promise<void>;
  /**
   * Writes a small control object whole, replacing any earlier one: only for objects meant to move on
   * (a Delta table's `_last_checkpoint`, a compaction watermark), which live in `_`-prefixed places of
   * the compacted lake (see `assertControlPath`), never for data.
   */
  replace(path: string, body: Buffer): Promise<void>;
  /** Every visible object path under the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  read(path: string): Promise<Buffer>;
}

/**
 * The reading half of an `ObjectStore`: what readers of the lake (the Delta log, watermarks, raw
 * listings) need, so a caller holding only this, like the read-only console, can use them.
 */
export type ObjectReader = Pick<ObjectStore, 'list' | 'read'>;

/** The ledger as stored: the state and an opaque version (an ETag, a file generation). */
export interface VersionedLedger {
  readonly state: PartitionLedger;
  /** null when no ledger exists yet for the partition. */
  readonly version: string | null;
}

/**
 * Per-partition ledger with compare-and-set. `write` returns the version it created, or null, and
 * changes nothing, when the stored version is no longer `expectedVersion`: the caller re-reads and
 * decides again. Knowing the version it wrote lets a writer decide its next change without reading
 * the ledger back (see `updateLedger`).
 */
export interface LedgerStore {
  read(topic: string, partition: string): Promise<VersionedLedger>;
  write(
    topic: string,
    partition: string,
    state: PartitionLedger,
    expectedVersion: string | null,
  ): Promise<string | null>;
  /** Partitions that have a ledger, for the seal timer. */
  partitions(topic: string): Promise<string[]>;
}

/**
 * Where ledgers lived before a ledger table (the bucket's `_ledger/` on AWS), as the table's store
 * takes them over: read when the table has no item for a partition, and fenced so that a function of
 * the version before the table can never write one beside the table's (see `createDynamoLedgerStore`).
 */
export interface LegacyLedger {
  /** The old ledger and its version; an empty ledger without a version when there is none, or it moved. */
  read(topic: string, partition: string): Promise<VersionedLedger>;
  /**
   * Marks the old ledger as moving, with the state it holds, if it is still at `version`; that state,
   * or null when another writer came first.
   */
  freeze(topic: string, partition: string, version: string): Promise<PartitionLedger | null>;
  /** Makes sure the partition reads as moved before its first item is created; false when a ledger is there. */
  fence(topic: string, partition: string): Promise<boolean>;
  /** Marks the partition moved for good once the table's item holds its state. */
  retire(topic: string, partition: string): Promise<void>;
  /** Partitions with an object: moved or not, so idle ones not yet moved are still sealed. */
  partitions(topic: string): Promise<string[]>;
}

/** The two halves every deployment needs. */
export interface CaptureStore {
  readonly objects: ObjectStore;
  readonly ledger: LedgerStore;
}
