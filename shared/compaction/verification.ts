import { CaptureError } from '../errors.js';
import { generationInPath } from '../paths/layoutPath.js';
import type { CoveredRawObject } from './unitReport.js';

/** A modulus for a cheap order-independent checksum of positions that stays exact in a double. */
const CHECKSUM_MODULUS = 2_147_483_647;

/** Rows and a checksum of positions, per partition: what was read, and what was written. */
export class PositionTally {
  private readonly byPartition = new Map<string, { rows: number; checksum: number }>();

  add(partition: string, position: number | null): void {
    const entry = this.byPartition.get(partition) ?? { rows: 0, checksum: 0 };
    entry.rows++;
    if (position !== null)
      entry.checksum = (entry.checksum + (position % CHECKSUM_MODULUS)) % CHECKSUM_MODULUS;
    this.byPartition.set(partition, entry);
  }

  rows(): number {
    let total = 0;
    for (const entry of this.byPartition.values()) total += entry.rows;
    return total;
  }

  /** Throws when another tally differs: rows lost or doubled between reading and writing. */
  assertSameAs(written: PositionTally, what: string): void {
    const partitions = new Set([...this.byPartition.keys(), ...written.byPartition.keys()]);
    for (const partition of partitions) {
      const expected = this.byPartition.get(partition);
      const actual = written.byPartition.get(partition);
      if (expected?.rows !== actual?.rows || expected?.checksum !== actual?.checksum) {
        throw new CaptureError(
          `${what}: partition ${partition} read ${expected?.rows ?? 0} rows but wrote ${actual?.rows ?? 0} (or other positions); nothing is published`,
          { retriable: false },
        );
      }
    }
  }
}

/**
 * Checks that no position is covered twice: positions rise within each raw object, and the objects
 * of a partition's minute (this run's and those earlier units of the hour cover: the minute's object
 * and its late ones) of one generation have disjoint position ranges. Together with equal tallies this is "every input
 * position exactly once in the output".
 *
 * Objects of different minutes may interleave: records are placed by their own time, so a record
 * for a sealed minute (a late object) or one from a producer's skewed clock can sit between two
 * records of another minute. A minute is known by its folder, which every layout but a Capture
 * template with the minute in the file name gives it; such a template's minutes share the stricter
 * check.
 */
export function assertDisjointPositions(
  objects: readonly CoveredRawObject[],
  alreadyCovered: readonly CoveredRawObject[],
  what: string,
): void {
  const byMinute = new Map<string, CoveredRawObject[]>();
  for (const object of [...objects, ...alreadyCovered]) {
    if (object.firstPosition === null) continue;
    // Generations number their positions anew: only one generation's positions can overlap.
    const generation = generationInPath(object.path);
    const minute = `${object.partition}|${generation}|${object.path.slice(0, object.path.lastIndexOf('/'))}`;
    const list = byMinute.get(minute) ?? [];
    list.push(object);
    byMinute.set(minute, list);
  }
  for (const list of byMinute.values()) {
    const sorted = [...list].sort((a, b) => (a.firstPosition ?? 0) - (b.firstPosition ?? 0));
    for (let index = 1; index < sorted.length; index++) {
      const before = sorted[index - 1] as CoveredRawObject;
      const after = sorted[index] as CoveredRawObject;
      if ((before.lastPosition ?? 0) >= (after.firstPosition ?? 0)) {
        throw new CaptureError(
          `${what}: partition ${before.partition} positions of ${before.path} and ${after.path} overlap; nothing is published`,
          { retriable: false },
        );
      }
    }
  }
}

/** Positions within one raw object rise strictly; anything else is a duplicate or a damaged object. */
export function assertRisingPosition(previous: number | null, position: number | null, path: string): void {
  if (previous !== null && position !== null && position <= previous) {
    throw new CaptureError(`${path}: position ${position} follows ${previous}; nothing is published`, {
      retriable: false,
    });
  }
}
