/**
 * The most basic words of the lake, shared by the ledger, the encoders and the path rules. This file
 * imports nothing, so anything may import it without closing a circle.
 */

/** Raw objects hold records; dead-letter objects hold what could not be written as a record. */
export type ObjectKind = 'data' | 'deadletter';

/** Where a staged segment belongs and what it holds, enough to name its staging path. */
export interface SegmentCoordinates {
  readonly kind: ObjectKind;
  readonly minute: number;
  readonly first: number;
  readonly last: number;
  readonly encoding: string;
  /** Digest of the staged bytes: two stagings share a name only when they share their content. */
  readonly digest: string;
  /** The partition's position generation; absent for 0 (names of generation 0 carry none). */
  readonly generation?: number | undefined;
}

/** What names a visible object under the raw or dead-letter prefix. */
export interface ObjectCoordinates {
  readonly kind: ObjectKind;
  readonly partition: string;
  readonly minute: number;
  /** Position of the first record in the object; distinct objects of a partition never share it. */
  readonly first: number;
  readonly late: boolean;
  readonly encoding: string;
  /** The partition's position generation; objects of generation 0 carry none in their names. */
  readonly generation?: number | undefined;
}
