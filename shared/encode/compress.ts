import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { TopicConfig } from '../config/schema.js';

const gzip = promisify(zlib.gzip);

/**
 * Compresses one segment into a self-contained member: a gzip member or a zstd frame. Members of
 * either format concatenate into a valid stream, which is what lets a sealed object be the plain
 * concatenation of its staged segments.
 */
export async function compressMember(data: Buffer, compression: TopicConfig['compression']): Promise<Buffer> {
  switch (compression) {
    case 'none':
      return data;
    case 'gzip':
      return gzip(data);
    case 'zstd':
      return zstdCompress(data);
  }
}

function zstdCompress(data: Buffer): Promise<Buffer> {
  // zstd entered node:zlib in Node 22.15; the product targets Node 22 LTS, which has it.
  const compress = (zlib as { zstdCompress?: typeof zlib.gzip }).zstdCompress;
  if (!compress) {
    return Promise.reject(
      new Error(`zstd needs Node.js 22.15 or later; this is ${process.version}. Use gzip or upgrade.`),
    );
  }
  return promisify(compress)(data);
}
