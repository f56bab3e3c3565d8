import { isUtf8 } from 'node:buffer';
import type { TopicConfig } from '../config/schema.js';
import type { ObjectKind } from '../naming.js';
import type { CaptureRecord } from '../record.js';
import { MAX_FUTURE_SKEW_MS, minuteOf } from '../time.js';
import { deadLetterLine } from './deadLetter.js';
import { bytesAsJson, headerValueAsJson } from './jsonValue.js';
import { bodyTime } from './recordTime.js';

/** Why a record went to a dead-letter object instead of the topic's output. */
export const DeadLetterReason = {
  tooLarge: 'too-large',
  emptyBody: 'empty-body',
  notUtf8: 'not-utf8',
  invalidJson: 'invalid-json',
} as const;
export type DeadLetterReason = (typeof DeadLetterReason)[keyof typeof DeadLetterReason];

/** One record turned into one line of its object, with where it goes. */
export interface EncodedRecord {
  readonly kind: ObjectKind;
  readonly position: number;
  readonly minute: number;
  /**
   * How far this record moves its partition's time: its own time, but never past broker time, so a
   * body claiming a far future cannot seal minutes whose records are still on their way.
   */
  readonly watermarkTime: number;
  /** One JSON line including its trailing newline. */
  readonly line: Buffer;
  readonly reason?: DeadLetterReason;
  /** True when a body time field was configured but unusable, so broker time decided the minute. */
  readonly timeFellBack: boolean;
}

type ParsedBody =
  | { ok: true; value: unknown; text: string }
  | { ok: false; reason: DeadLetterReason; detail: string };

const NEWLINE = Buffer.from('\n');

/**
 * Builds the encoder of one topic's records: JSON lines, either the body itself or an envelope with
 * the record's coordinates. Bodies that cannot be lines become dead letters (or, in envelope mode with
 * `nonJsonBodies: keep`, envelopes carrying the body as text or base64). A body time more than
 * MAX_FUTURE_SKEW_MS past `arrivalTime` is not believed: broker time places that record instead.
 */
export function createRecordEncoder(
  topic: TopicConfig,
  arrivalTime: number,
): (record: CaptureRecord) => EncodedRecord {
  const { envelope, nonJsonBodies } = topic.jsonl;

  return (record) => {
    const brokerMinute = minuteOf(record.brokerTime);
    const deadLetter = (reason: DeadLetterReason, detail: string): EncodedRecord => ({
      kind: 'deadletter',
      position: record.position,
      minute: brokerMinute,
      watermarkTime: record.brokerTime,
      line: deadLetterLine(record, reason, detail),
      reason,
      timeFellBack: false,
    });

    if (record.body.length > topic.maxRecordBytes) {
      return deadLetter(
        DeadLetterReason.tooLarge,
        `body is ${record.body.length} bytes; maxRecordBytes is ${topic.maxRecordBytes}`,
      );
    }
    const parsed = parseBody(record.body);
    if (!parsed.ok && nonJsonBodies === 'deadletter') return deadLetter(parsed.reason, parsed.detail);

    const claimed = parsed.ok ? bodyTime(parsed.value, topic.timeSource) : undefined;
    const fieldTime =
      claimed !== undefined && claimed <= arrivalTime + MAX_FUTURE_SKEW_MS ? claimed : undefined;
    const time = fieldTime ?? record.brokerTime;
    const bodyJson = parsed.ok ? singleLineJson(record.body, parsed) : undefined;
    const text = envelope ? envelopeJson(record, bodyJson) : bodyJson;
    return {
      kind: 'data',
      position: record.position,
      minute: minuteOf(time),
      watermarkTime: Math.min(time, record.brokerTime),
      line: Buffer.concat([
        typeof text === 'string' ? Buffer.from(text) : (text ?? Buffer.alloc(0)),
        NEWLINE,
      ]),
      timeFellBack: topic.timeSource !== 'broker' && fieldTime === undefined,
    };
  };
}

function parseBody(body: Buffer): ParsedBody {
  if (body.length === 0) return { ok: false, reason: DeadLetterReason.emptyBody, detail: 'body is empty' };
  if (!isUtf8(body))
    return { ok: false, reason: DeadLetterReason.notUtf8, detail: 'body is not valid UTF-8' };
  const text = body.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (error) {
    return { ok: false, reason: DeadLetterReason.invalidJson, detail: (error as Error).message };
  }
}

/** The body's own bytes when they already fit on one line; JSON whitespace may hold newlines, so those are re-serialized. */
function singleLineJson(body: Buffer, parsed: { value: unknown; text: string }): Buffer | string {
  return body.includes(0x0a) || body.includes(0x0d) ? JSON.stringify(parsed.value) : body;
}

/**
 * The envelope is assembled as text so a JSON body is embedded as it came, without a second
 * serialization; everything else goes through JSON.stringify.
 */
function envelopeJson(record: CaptureRecord, bodyJson: Buffer | string | undefined): string {
  const metadata = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    position: record.position,
    timestamp: new Date(record.brokerTime).toISOString(),
    key: record.key === null ? null : bytesAsJson(record.key),
    headers: record.headers.map((header) => ({ name: header.name, value: headerValueAsJson(header.value) })),
    ...(Object.keys(record.systemProperties).length > 0 ? { systemProperties: record.systemProperties } : {}),
  };
  const head = JSON.stringify(metadata).slice(0, -1);
  if (bodyJson !== undefined) return `${head},"body":${bodyJson.toString()}}`;
  const kept = bytesAsJson(record.body);
  return typeof kept === 'string'
    ? `${head},"bodyText":${JSON.stringify(kept)}}`
    : `${head},"bodyBase64":${JSON.stringify(kept.base64)}}`;
}
