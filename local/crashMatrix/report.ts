import { LAKE_KINDS, type LakeKind } from '../emulators/openLake.js';
import { CRASH_PHASES } from '../faults/simulatedProcess.js';
import type { CrashMatrixReport } from './matrix.js';

/** Mismatches listed one by one; the rest are counted. */
const LISTED_MISMATCHES = 10;

/** The stores `--crashes` names: one, `all` or `none`; null for anything else. */
export function crashMatrixStoresNamed(value: string): readonly LakeKind[] | null {
  if (value === 'all') return LAKE_KINDS;
  if (value === 'none') return [];
  return (LAKE_KINDS as readonly string[]).includes(value) ? [value as LakeKind] : null;
}

/** The crash matrix as `npm run reliability` prints it, in the fault report's layout. */
export function describeCrashMatrix(report: CrashMatrixReport): string {
  const injected = CRASH_PHASES.reduce((sum, phase) => sum + report.crashesInjected[phase], 0);
  const mismatches = report.mismatches.length;
  const listed = report.mismatches
    .slice(0, LISTED_MISMATCHES)
    .map(
      (mismatch) =>
        `    ${mismatch.phase} call ${mismatch.before} (${mismatch.step}): ${mismatch.difference}`,
    );
  const unlisted = mismatches - listed.length;
  return [
    `Crash matrix: ${report.store}, ${(report.durationMs / 1000).toFixed(1)} s`,
    `  visible objects      ${report.referenceObjects.length} after the run without crashes`,
    `  crashes injected     ${injected}`,
    ...CRASH_PHASES.map(
      (phase) =>
        `    ${phase.padEnd(18)} ${report.crashesInjected[phase]} of ${report.callsPerPhase[phase]} calls`,
    ),
    `  identical runs       ${report.identical}`,
    `  mismatches           ${mismatches === 0 ? '0' : `${mismatches}  <-- VIOLATION`}`,
    ...listed,
    ...(unlisted > 0 ? [`    and ${unlisted} more`] : []),
  ].join('\n');
}
