import { openCaptureContainer, type PropertyValue } from '../../shared/encode/captureReader.js';
import { decompressObject } from '../../shared/encode/decompress.js';

/** An object's record count and its first records as text to show (one JSON or raw line each). */
export interface DecodedObject {
  readonly records: number;
  readonly first: readonly string[];
}

/** Longest text shown for one record: a preview, not a dump of a 1 MB body. */
const MAX_RECORD_CHARS = 2000;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads an object the way the product wrote it, by its name: Capture Avro (`.avro`) through the
 * strict Capture reader, length-prefixed raw bodies (`.rawlp`), and lines otherwise (JSON lines,
 * dead letters, newline-delimited raw bodies), each after the decompression its extension names.
 */
export function decodeObject(path: string, bytes: Buffer, firstCount: number): DecodedObject {
  if (/\.avro$/.test(path)) return decodeCapture(path, bytes, firstCount);
  const content = decompressObject(path, bytes);
  if (/\.rawlp(\.|$)/.test(path)) return decodeLengthPrefixed(content, firstCount);
  return decodeLines(content, firstCount);
}

function decodeLines(content: Buffer, firstCount: number): DecodedObject {
  const text = content.toString('utf8');
  if (text === '') return { records: 0, first: [] };
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return { records: lines.length, first: lines.slice(0, firstCount).map(clip) };
}

function decodeLengthPrefixed(content: Buffer, firstCount: number): DecodedObject {
  const first: string[] = [];
  let records = 0;
  for (let offset = 0; offset + 4 <= content.length; records++) {
    const length = content.readUInt32BE(offset);
    const body = content.subarray(offset + 4, offset + 4 + length);
    if (first.length < firstCount) first.push(clip(bodyText(body)));
    offset += 4 + length;
  }
  return { records, first };
}

function decodeCapture(path: string, bytes: Buffer, firstCount: number): DecodedObject {
  const first: string[] = [];
  let records = 0;
  for (const block of openCaptureContainer(bytes, path).blocks()) {
    for (const { record } of block) {
      records++;
      if (first.length >= firstCount) continue;
      first.push(
        clip(
          JSON.stringify({
            SequenceNumber: record.SequenceNumber,
            Offset: record.Offset,
            EnqueuedTimeUtc: record.EnqueuedTimeUtc,
            SystemProperties: Object.fromEntries(record.SystemProperties.map(([k, v]) => [k, shown(v)])),
            Properties: Object.fromEntries(record.Properties.map(([k, v]) => [k, shown(v)])),
            Body: record.Body === null ? null : bodyText(record.Body),
          }),
        ),
      );
    }
  }
  return { records, first };
}

function shown(value: PropertyValue): unknown {
  return Buffer.isBuffer(value) ? bodyText(value) : value;
}

/** Bytes as UTF-8 text when they are, else as `base64:…`, so binary never garbles the page. */
export function bodyText(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return `base64:${bytes.toString('base64')}`;
  }
}

function clip(text: string): string {
  return text.length <= MAX_RECORD_CHARS
    ? text
    : `${text.slice(0, MAX_RECORD_CHARS)}… (${text.length} chars)`;
}
