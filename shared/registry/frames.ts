import { inflateSync } from 'node:zlib';
import type { RecordHeader } from '../record.js';
import type { RegistryKindName } from './schemaRef.js';

/**
 * The wire formats that name a record's writer schema. Each reader returns the schema id and the
 * bytes the schema decodes, or why the bytes are not framed as the topic's registry frames them.
 */
export type Frame =
  | { readonly framed: true; readonly schemaId: string; readonly payload: Buffer }
  | { readonly framed: false; readonly problem: string };

const CONFLUENT_MAGIC = 0;
const CONFLUENT_HEADER_BYTES = 5;

/**
 * Confluent's framing: magic byte 0, the schema id as a 4-byte big-endian unsigned integer, then the
 * payload (for Protobuf, the message indexes come first: the Protobuf codec reads them).
 *
 * @example confluentFrame(Buffer.from([0, 0, 0, 0, 7, 2, 0x61])) // { framed: true, schemaId: '7', payload: <02 61> }
 */
export function confluentFrame(bytes: Buffer): Frame {
  if (bytes.length < CONFLUENT_HEADER_BYTES) {
    return { framed: false, problem: `${bytes.length} bytes, shorter than Confluent's 5-byte header` };
  }
  if (bytes[0] !== CONFLUENT_MAGIC) {
    return { framed: false, problem: `first byte is 0x${hex(bytes[0])}, not Confluent's magic byte 0x00` };
  }
  return {
    framed: true,
    schemaId: String(bytes.readUInt32BE(1)),
    payload: bytes.subarray(CONFLUENT_HEADER_BYTES),
  };
}

const GLUE_HEADER_VERSION = 3;
const GLUE_COMPRESSION_NONE = 0;
const GLUE_COMPRESSION_ZLIB = 5;
const GLUE_HEADER_BYTES = 18;

/**
 * AWS Glue Schema Registry's framing: header version byte 3, a compression byte (0 none, 5 zlib),
 * the schema version's UUID in 16 bytes, then the payload, deflated with zlib when the compression
 * byte says so.
 */
export function glueFrame(bytes: Buffer): Frame {
  if (bytes.length < GLUE_HEADER_BYTES) {
    return { framed: false, problem: `${bytes.length} bytes, shorter than Glue's 18-byte header` };
  }
  if (bytes[0] !== GLUE_HEADER_VERSION) {
    return { framed: false, problem: `first byte is 0x${hex(bytes[0])}, not Glue's header version 0x03` };
  }
  const schemaId = uuidOf(bytes.subarray(2, GLUE_HEADER_BYTES));
  const body = bytes.subarray(GLUE_HEADER_BYTES);
  if (bytes[1] === GLUE_COMPRESSION_NONE) return { framed: true, schemaId, payload: body };
  if (bytes[1] !== GLUE_COMPRESSION_ZLIB) {
    return {
      framed: false,
      problem: `compression byte is 0x${hex(bytes[1])}, neither 0 (none) nor 5 (zlib)`,
    };
  }
  try {
    return { framed: true, schemaId, payload: inflateSync(body) };
  } catch {
    return { framed: false, problem: 'the compression byte says zlib but the payload does not inflate' };
  }
}

/** Azure Schema Registry's Avro content type: the payload is plain Avro, the id is in the type. */
const AZURE_AVRO_CONTENT_TYPE = /^avro\/binary\+([A-Za-z0-9-]{1,64})$/;
/** Where the content type arrives: Event Hubs system properties (as delivered), a Kafka header. */
const CONTENT_TYPE_NAMES = ['content-type', 'contentType', 'ContentType'];

/**
 * Azure Schema Registry's framing: the body is the Avro payload itself, and the event's content type
 * `avro/binary+<schema id>` names the schema, in the Event Hubs event's content type (a system
 * property) or, for Kafka producers, a `content-type` header.
 */
export function azureFrame(
  body: Buffer,
  systemProperties: Readonly<Record<string, unknown>>,
  headers: readonly RecordHeader[],
): Frame {
  const contentType = contentTypeOf(systemProperties, headers);
  if (contentType === undefined) {
    return { framed: false, problem: 'no content type: Azure Schema Registry puts avro/binary+<id> there' };
  }
  const match = AZURE_AVRO_CONTENT_TYPE.exec(contentType.trim());
  if (!match?.[1]) {
    return {
      framed: false,
      problem: `content type of ${contentType.length} characters is not avro/binary+<schema id>`,
    };
  }
  return { framed: true, schemaId: match[1], payload: body };
}

function contentTypeOf(
  systemProperties: Readonly<Record<string, unknown>>,
  headers: readonly RecordHeader[],
): string | undefined {
  for (const name of CONTENT_TYPE_NAMES) {
    const value = systemProperties[name];
    if (typeof value === 'string') return value;
  }
  const header = headers.find((candidate) => candidate.name.toLowerCase() === 'content-type');
  if (header === undefined) return undefined;
  return Buffer.isBuffer(header.value) ? header.value.toString('utf8') : String(header.value);
}

/** The frame reader of a registry kind for keys and values that carry their own framing. */
export function bytesFrameOf(kind: Exclude<RegistryKindName, 'azure'>): (bytes: Buffer) => Frame {
  return kind === 'confluent' ? confluentFrame : glueFrame;
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}

function uuidOf(bytes: Buffer): string {
  const text = bytes.toString('hex');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
