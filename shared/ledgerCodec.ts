import { z } from 'zod';
import { LedgerUnreadableError } from './errors.js';
import type { PartitionLedger } from './ledger.js';

const position = z.number().int().min(-1);
const epochMs = z.number().finite();
const anchor = z.object({ position: position.min(0), fingerprint: z.string().min(1) }).strict();

const segment = z
  .object({
    kind: z.enum(['data', 'deadletter']),
    minute: z.number().int(),
    first: position.min(0),
    last: position.min(0),
    records: z.number().int().min(1),
    bytes: z.number().int().min(0),
    encoding: z.string().min(1),
    digest: z.string(),
    stagedAt: epochMs,
    generation: z.number().int().min(1).optional(),
  })
  .strict();

const pendingObject = z
  .object({
    kind: z.enum(['data', 'deadletter']),
    minute: z.number().int(),
    late: z.boolean(),
    encoding: z.string().min(1),
    segments: z.array(segment),
    path: z.string().min(1),
  })
  .strict();

/**
 * The ledger as every store keeps it. Fields added after the first release have defaults, so a
 * ledger written before them reads as generation 0 with no evidence yet; anything else that is not
 * exactly this shape is refused rather than taken for an empty or partial state.
 */
const ledgerSchema = z
  .object({
    generation: z.number().int().min(0).default(0),
    stagedThrough: position,
    maxRecordTime: epochMs.nullable(),
    closedThrough: z.number().int().nullable(),
    open: z.array(segment),
    pending: z.array(pendingObject),
    brokerTimeThrough: epochMs.nullable().default(null),
    farAheadTimes: z.array(epochMs).default([]),
    firstStaged: anchor.nullable().default(null),
    gaps: z.array(z.object({ from: position.min(0), through: position.min(0) }).strict()).default([]),
    anchors: z.array(anchor).default([]),
    captured: z
      .object({ from: position.min(0), through: position.min(0), anchor })
      .strict()
      .nullable()
      .default(null),
    redeliveryConfirmedThrough: position.nullable().default(null),
  })
  .strict();

/** The ledger's stored text. */
export function encodeLedger(state: PartitionLedger): string {
  return JSON.stringify(state);
}

/**
 * Reads a stored ledger strictly. The ledger decides what is sealed and what a redelivery is, so one
 * that is not what we wrote (a hand edit, a truncated write, another tool's object under the same
 * name) stops the partition with a message naming where it is and what to do.
 *
 * @param where names the ledger for the message: its key, file or entity
 * @throws LedgerUnreadableError (permanent) when the text is not JSON or not a ledger
 */
export function decodeLedger(text: string, where: string): PartitionLedger {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw unreadableLedger(where, 'it is not JSON', error);
  }
  const parsed = ledgerSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unreadableLedger(
      where,
      `${issue?.path.join('.') || 'the document'}: ${issue?.message}`,
      parsed.error,
    );
  }
  return parsed.data;
}

/** The error for a stored ledger that is not one, with what to do about it. */
export function unreadableLedger(where: string, reason: string, cause?: unknown): LedgerUnreadableError {
  return new LedgerUnreadableError(
    `ledger ${where} is unreadable: ${reason}. Its partition holds; move it aside and rebuild it from the lake with npm run invoke -- repair-ledger (README, Nothing skipped)`,
    { cause },
  );
}
