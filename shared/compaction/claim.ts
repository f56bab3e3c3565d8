import { randomUUID } from 'node:crypto';
import { CaptureError } from '../errors.js';
import type { ObjectStore } from '../store.js';
import type { RawObject } from './rawObjects.js';
import { type CompactionUnit, claimPath, hourIso, unitStagingPath } from './unitPaths.js';

const CLAIM_FORMAT = 'stream-capture.compaction-claim/1';

/** Which raw objects a compaction unit covers, fixed by the first run that reaches the unit. */
interface CompactionClaim {
  readonly format: typeof CLAIM_FORMAT;
  readonly topic: string;
  readonly hour: string;
  readonly group: string;
  readonly sequence: number;
  readonly rawObjects: readonly RawObject[];
  /**
   * The table's schema (Delta's `schemaString`, or Iceberg's current schema with its JSON field ids)
   * when the unit was claimed, null before the table existed: what the unit's report measures the
   * fields it brings against, and an Iceberg unit's files take their field ids from, the same on
   * every rerun.
   */
  readonly tableSchema?: string | null;
}

/** What a claim fixed for its unit. */
export interface UnitClaim {
  readonly rawObjects: readonly RawObject[];
  readonly tableSchema: string | null;
}

/**
 * Fixes the raw objects a unit compacts before any of its files is published: the first run to
 * create the unit's claim (create-only) decides, and every other run of the unit, concurrent or a
 * rerun after a crash, compacts exactly the claimed objects. Their output names and bytes are then
 * the same, so no run ever publishes a data file that the unit's commit does not add. Without a
 * claim, two runs that listed the hour on either side of a late object's arrival would both publish
 * data files and only one could be committed. Objects a claim leaves out go to the next unit; the
 * claims of an hour are also what later runs consult to find the raw objects no unit covers yet.
 */
export async function claimUnitInputs(
  objects: ObjectStore,
  unit: CompactionUnit,
  candidates: readonly RawObject[],
  alreadyCovered: ReadonlySet<string>,
  tableSchema: string | null,
): Promise<UnitClaim> {
  const ours: CompactionClaim = {
    format: CLAIM_FORMAT,
    topic: unit.topic,
    hour: hourIso(unit.hour),
    group: unit.group,
    sequence: unit.sequence,
    rawObjects: candidates.map(({ path, partition }) => ({ path, partition })),
    tableSchema,
  };
  // Staged under a name of its own: concurrent runs stage different candidates for the same unit.
  const staging = unitStagingPath(unit, 'claim', `claim-${randomUUID()}`);
  await objects.stage(staging, Buffer.from(`${JSON.stringify(ours, null, 2)}\n`));
  const outcome = await objects.publish(claimPath(unit), [staging]);
  await objects.deleteStaged([staging]);
  if (outcome === 'created') return { rawObjects: [...candidates], tableSchema };
  // A run that listed the hour later (a late object had arrived) may have claimed objects this run's
  // listing has not seen yet: they are raw objects all the same, never deleted, so follow the claim.
  const claimed = await readClaim(objects, unit);
  const covered = claimed.rawObjects.find((object) => alreadyCovered.has(object.path));
  if (covered) {
    throw new CaptureError(
      `${claimPath(unit)} claims ${covered.path}, which another unit's claim already covers: ` +
        'did compaction.partitionsPerGroup change while a run of the old grouping was unfinished? ' +
        'Delete this claim (nothing lists it) so the next run claims what is left',
      { retriable: false },
    );
  }
  return claimed;
}

/** What a unit's claim fixed. */
export async function readClaim(objects: ObjectStore, unit: CompactionUnit): Promise<UnitClaim> {
  const path = claimPath(unit);
  const claim = parseClaim(path, await objects.read(path));
  return { rawObjects: [...claim.rawObjects], tableSchema: claim.tableSchema ?? null };
}

function parseClaim(path: string, bytes: Buffer): CompactionClaim {
  const claim = JSON.parse(bytes.toString('utf8')) as CompactionClaim;
  const wellFormed =
    claim.format === CLAIM_FORMAT &&
    Array.isArray(claim.rawObjects) &&
    claim.rawObjects.every(
      (object) => typeof object?.path === 'string' && typeof object.partition === 'string',
    );
  if (!wellFormed) {
    throw new CaptureError(`${path} is not a compaction claim of format ${CLAIM_FORMAT}`, {
      retriable: false,
    });
  }
  return claim;
}
