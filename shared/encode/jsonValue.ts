import { isUtf8 } from 'node:buffer';
import type { HeaderValue } from '../record.js';

/** Bytes as JSON: text when they are valid UTF-8, otherwise `{ "base64": ... }` so nothing is lost. */
export type BytesAsJson = string | { base64: string };

export function bytesAsJson(bytes: Buffer): BytesAsJson {
  return isUtf8(bytes) ? bytes.toString('utf8') : { base64: bytes.toString('base64') };
}

export function headerValueAsJson(value: HeaderValue): unknown {
  return Buffer.isBuffer(value) ? bytesAsJson(value) : value;
}
