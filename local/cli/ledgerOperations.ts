import { CaptureError } from '../../shared/errors.js';
import { startGeneration } from '../../shared/ledger.js';
import { objectPathOf } from '../../shared/paths/lakePaths.js';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import { rebuildLedger } from '../../shared/pipeline/ledgerRepair.js';

/**
 * `npm run invoke -- repair-ledger`: rebuilds a partition's lost ledger from the lake (see
 * `rebuildLedger`) and writes it only if there is still none, then says what it rests on.
 */
export async function repairLedger(
  context: CaptureContext,
  partition: string,
  options: { readonly now: number; readonly hours: number; readonly stagedThrough?: number | undefined },
): Promise<string> {
  const { topic, store } = context;
  const where = `${topic.name}/${partition}`;
  let existing: Awaited<ReturnType<typeof store.ledger.read>>;
  try {
    existing = await store.ledger.read(topic.name, partition);
  } catch (error) {
    throw new CaptureError(
      `the ledger of ${where} exists but cannot be read (${(error as Error).message}); move it aside (rename or delete the ledger object, file or table entity it names) and run repair-ledger again`,
      { retriable: false, cause: error },
    );
  }
  if (existing.version !== null)
    throw new CaptureError(`the ledger of ${where} exists and reads: nothing to repair`, {
      retriable: false,
    });
  const rebuilt = await rebuildLedger(context, partition, options);
  if ((await store.ledger.write(topic.name, partition, rebuilt.state, null)) === null)
    throw new CaptureError(`a ledger of ${where} was written meanwhile: nothing was changed`, {
      retriable: false,
    });
  // What a seal that died before its clean-up left: its records are in a visible object already.
  await store.objects.deleteStaged(rebuilt.heldByObjects);
  const { state } = rebuilt;
  return [
    `Rebuilt the ledger of ${where}:`,
    `  generation ${state.generation}, staged through position ${state.stagedThrough}, minutes closed through ${state.closedThrough === null ? 'none' : new Date(state.closedThrough * 60_000).toISOString()}`,
    `  ${state.open.length} staged segments reopened, to be sealed by the next batch or the seal timer; ${rebuilt.leftOut} staged files left out (records a visible object holds, another attempt's copies, Avro headers)`,
    options.stagedThrough !== undefined
      ? '  the last position as given (--staged-through)'
      : `  the last position from ${rebuilt.newestObject ?? 'the staged segments (no object found)'}`,
    rebuilt.positionsCounted
      ? '  the last position was counted from records that do not carry it: exact without offset gaps; with gaps, records after it may be captured twice, never lost'
      : '  the last position was read from the records themselves',
  ].join('\n');
}

/**
 * `npm run invoke -- resolve-positions`: an operator's answer to a partition held because its
 * positions went back without proof of what they are. `restart` starts the next generation, so the
 * records held are captured anew; `redelivery` confirms that records up to the ledger's last position
 * were captured already, so they are skipped.
 */
export async function resolvePositions(
  context: CaptureContext,
  partition: string,
  as: 'restart' | 'redelivery',
): Promise<string> {
  const { topic, store } = context;
  const { state, version } = await store.ledger.read(topic.name, partition);
  if (version === null)
    throw new CaptureError(`${topic.name}/${partition} has no ledger: nothing to resolve`, {
      retriable: false,
    });
  const next =
    as === 'restart'
      ? startGeneration(state, objectPathOf(topic, partition), null)
      : { ...state, redeliveryConfirmedThrough: state.stagedThrough };
  if ((await store.ledger.write(topic.name, partition, next, version)) === null)
    throw new CaptureError('the ledger changed meanwhile: run the command again', { retriable: false });
  return as === 'restart'
    ? `${topic.name}/${partition} starts generation ${next.generation}: the held records are captured into objects named with g${next.generation}`
    : `${topic.name}/${partition}: records delivered again up to position ${state.stagedThrough} are taken for redeliveries and skipped`;
}
