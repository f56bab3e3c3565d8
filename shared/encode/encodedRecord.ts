import type { ObjectKind } from '../coordinates.js';
import type { CaptureRecord } from '../record.js';
import { RegistryFailure } from '../registry/schemaRef.js';

/** Why a record went to a dead-letter object instead of the topic's output. */
export const DeadLetterReason = {
  tooLarge: 'too-large',
  emptyBody: 'empty-body',
  notUtf8: 'not-utf8',
  invalidJson: 'invalid-json',
  /** A raw body with a line feed cannot be one line of a newline-delimited object. */
  containsNewline: 'contains-newline',
  /** A registry topic's record: unknown schema id, not framed, undecodable, or a schema we cannot use. */
  ...RegistryFailure,
} as const;
export type DeadLetterReason = (typeof DeadLetterReason)[keyof typeof DeadLetterReason];

/**
 * A piece of a record's bytes: a buffer used as it came, or text (an envelope's coordinates) written
 * as UTF-8 straight into the segment, which spares a buffer per record.
 */
export type Chunk = Buffer | string;

/** A chunk as bytes. */
export function chunkBytes(chunk: Chunk): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** Every record's chunks as bytes, in order, for the formats that concatenate buffers. */
export function chunkBuffers(records: readonly EncodedRecord[]): Buffer[] {
  const buffers: Buffer[] = [];
  for (const record of records) for (const chunk of record.chunks) buffers.push(chunkBytes(chunk));
  return buffers;
}

/** One record turned into its bytes in its object, with where it goes. */
export interface EncodedRecord {
  readonly kind: ObjectKind;
  readonly position: number;
  readonly minute: number;
  /**
   * How far this record moves its partition's time: its own time, but never past broker time, so a
   * body claiming a far future cannot seal minutes whose records are still on their way.
   */
  readonly watermarkTime: number;
  /**
   * The record's bytes, in pieces (a body is used as it came, not copied): a JSON line without its
   * newline, a raw body with its length prefix, or an Avro datum.
   */
  readonly chunks: readonly Chunk[];
  /** What the record adds to its segment before compression, the newline a line format adds included. */
  readonly lineBytes: number;
  readonly reason?: DeadLetterReason;
  /** True when a body time field was configured but unusable, so broker time decided the minute. */
  readonly timeFellBack: boolean;
}

/**
 * A record written in the topic's format, or why it cannot be. `value` is the parsed JSON body when
 * the topic takes its time from a body field and the body is JSON.
 */
export type WrittenBody =
  | { readonly chunks: readonly Chunk[]; readonly lineBytes: number; readonly value?: unknown }
  | { readonly reason: DeadLetterReason; readonly detail: string };

/** Writes one record's data in a format; `needsValue` asks for the parsed body as well. */
export type BodyWriter = (record: CaptureRecord, needsValue: boolean) => WrittenBody;
