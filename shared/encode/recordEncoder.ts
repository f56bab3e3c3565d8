import { isUtf8 } from 'node:buffer';
import type { TopicConfig } from '../config/schema.js';
import type { CaptureRecord } from '../record.js';
import { MAX_FUTURE_SKEW_MS, minuteOf } from '../time.js';
import { captureDatumWriter, rawBodyWriter } from './bodyFormats.js';
import { deadLetterLine } from './deadLetter.js';
import { type BodyWriter, type Chunk, DeadLetterReason, type EncodedRecord } from './encodedRecord.js';
import { envelopeHead } from './envelope.js';
import { checkJson, compactJson } from './jsonCheck.js';
import { bytesAsJson } from './jsonValue.js';
import { bodyTime } from './recordTime.js';
import { registryLineWriter } from './registryLines.js';

type ParsedBody =
  | { ok: true; value: unknown; lineBreaks: boolean }
  | { ok: false; reason: DeadLetterReason; detail: string };

/**
 * Builds the encoder of one topic's records in its format (JSON lines, Capture Avro, raw bodies).
 * A body over `maxRecordBytes`, or one the format cannot carry, becomes a dead letter. A body time
 * more than MAX_FUTURE_SKEW_MS past `arrivalTime` is not believed: broker time places that record
 * instead.
 */
export function createRecordEncoder(
  topic: TopicConfig,
  arrivalTime: number,
): (record: CaptureRecord) => EncodedRecord {
  const writeBody = bodyWriterOf(topic);
  // Only a body time field needs the parsed body; otherwise checking that it is JSON is enough.
  const needsValue = topic.timeSource !== 'broker';

  return (record) => {
    if (record.body.length > topic.maxRecordBytes) {
      return deadLetter(
        record,
        DeadLetterReason.tooLarge,
        `body is ${record.body.length} bytes; maxRecordBytes is ${topic.maxRecordBytes}`,
      );
    }
    const written = writeBody(record, needsValue);
    if ('reason' in written) return deadLetter(record, written.reason, written.detail);

    const claimed = written.value === undefined ? undefined : bodyTime(written.value, topic.timeSource);
    const fieldTime =
      claimed !== undefined && claimed <= arrivalTime + MAX_FUTURE_SKEW_MS ? claimed : undefined;
    const time = fieldTime ?? record.brokerTime;
    return {
      kind: 'data',
      position: record.position,
      minute: minuteOf(time),
      watermarkTime: Math.min(time, record.brokerTime),
      chunks: written.chunks,
      lineBytes: written.lineBytes,
      timeFellBack: needsValue && fieldTime === undefined,
    };
  };
}

/** A dead letter goes to the minute of its broker time: its body, if it has a time, was not read. */
function deadLetter(record: CaptureRecord, reason: DeadLetterReason, detail: string): EncodedRecord {
  const line = deadLetterLine(record, reason, detail);
  return {
    kind: 'deadletter',
    position: record.position,
    minute: minuteOf(record.brokerTime),
    watermarkTime: record.brokerTime,
    chunks: [line],
    lineBytes: line.length + 1,
    reason,
    timeFellBack: false,
  };
}

function bodyWriterOf(topic: TopicConfig): BodyWriter {
  // The config allows a registry with JSON lines only: decoded values are written as JSON.
  if (topic.registry) return registryLineWriter(topic.jsonl.envelope, topic.registry.keepRawBytes);
  switch (topic.format) {
    case 'jsonl':
      return jsonLineWriter(topic.jsonl);
    case 'avro-capture':
      return captureDatumWriter;
    case 'raw':
      return rawBodyWriter(topic.raw.delimiter);
  }
}

/**
 * JSON lines: the body itself, or an envelope with the record's coordinates. Bodies that cannot be
 * lines are refused (dead letters) or, in envelope mode with `nonJsonBodies: keep`, carried as text
 * or base64.
 */
function jsonLineWriter({ envelope, nonJsonBodies }: TopicConfig['jsonl']): BodyWriter {
  return (record, needsValue) => {
    const parsed = parseBody(record.body, needsValue);
    if (!parsed.ok && nonJsonBodies === 'deadletter') return parsed;
    const bodyJson = parsed.ok ? singleLineJson(record.body, parsed) : undefined;
    const chunks = envelope ? envelopeChunks(record, bodyJson) : bodyJson ? [bodyJson] : [];
    return {
      chunks,
      lineBytes: chunks.reduce((sum, chunk) => sum + chunkLength(chunk), 1),
      value: parsed.ok ? parsed.value : undefined,
    };
  };
}

/**
 * Checked by `checkJson` whether or not the value is needed, so a body gets the same verdict and
 * detail whatever the topic's time source; only a valid body is parsed, for its time field.
 */
function parseBody(body: Buffer, needsValue: boolean): ParsedBody {
  if (body.length === 0) return { ok: false, reason: DeadLetterReason.emptyBody, detail: 'body is empty' };
  if (!isUtf8(body))
    return { ok: false, reason: DeadLetterReason.notUtf8, detail: 'body is not valid UTF-8' };
  const check = checkJson(body);
  if (!check.valid)
    return { ok: false, reason: DeadLetterReason.invalidJson, detail: invalidJsonDetail(body, check.at) };
  return {
    ok: true,
    value: needsValue ? JSON.parse(body.toString('utf8')) : undefined,
    lineBreaks: check.lineBreaks,
  };
}

/** Where the body stops being JSON, by byte: what a person repairing the dead letter looks at first. */
function invalidJsonDetail(body: Buffer, at: number): string {
  const byte = body[at];
  return byte === undefined
    ? `not a JSON value: the body ends at byte ${at} before its value does`
    : `not a JSON value: unexpected byte 0x${byte.toString(16).padStart(2, '0')} at byte ${at}`;
}

/** The body's own bytes when they already fit on one line; otherwise the same tokens without the whitespace between them. */
function singleLineJson(body: Buffer, parsed: { lineBreaks: boolean }): Buffer {
  return parsed.lineBreaks ? compactJson(body) : body;
}

/**
 * The envelope's coordinates as text; a JSON body is embedded after them as it came, without being
 * parsed and serialized again.
 */
function envelopeChunks(record: CaptureRecord, bodyJson: Buffer | undefined): Chunk[] {
  const head = envelopeHead(record);
  if (bodyJson !== undefined) return [`${head},"body":`, bodyJson, '}'];
  const kept = bytesAsJson(record.body);
  return [
    typeof kept === 'string'
      ? `${head},"bodyText":${JSON.stringify(kept)}}`
      : `${head},"bodyBase64":${JSON.stringify(kept.base64)}}`,
  ];
}

function chunkLength(chunk: Chunk): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
}
